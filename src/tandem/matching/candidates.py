"""Top-k candidate lists over *all* feasible pairs, with a certified threshold per person.

The score is ``c + Q[u] . X[v]`` (scoring.py), so every pair is looked at by a blocked matrix
product (float32 BLAS, both cores). For one population the blocks cover only the upper triangle
(the score is symmetric) and skip blocks that an ordered must-have (e.g. level within 2) makes
infeasible. Each row keeps a running k-th best value; only entries above it are read back, so the
selection costs one comparison per pair instead of a partial sort.

``threshold[v]`` is an upper bound on the score of every feasible partner *not* in v's list
(``-inf`` when the list holds all of them). Bounds and optimality certificates rely on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem.matching.scoring import ScoreModel

Progress = Callable[[float, str], None]
BLOCK = 2048
SAMPLE = 256
SUB_BLOCK = 256
SAFETY = 1e-5  # float32 products against the exact float64 scores


def unique_ints(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for integer arrays by sorting: numpy 2.4's hash-based unique is about 40
    times slower on a million widely spread keys (pair keys ``u * n + v``)."""
    values = np.sort(np.asarray(values).ravel())
    if len(values) < 2:
        return values
    keep = np.empty(len(values), bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


@dataclass
class Candidates:
    rows: np.ndarray  # query ids (global)
    neighbours: np.ndarray  # (len(rows), k) global ids of the other side, -1 = none
    threshold: np.ndarray  # per row, bound on any feasible partner not listed; -inf = complete

    @property
    def k(self) -> int:
        return int(self.neighbours.shape[1])


def _initial_thresholds(
    model: ScoreModel,
    rows: np.ndarray,
    cols: np.ndarray,
    k: int,
    q: np.ndarray,
    x: np.ndarray,
    c0: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """The k-th best feasible score of each row against a random sample: a safe first cut."""
    size = min(len(cols), SAMPLE)
    sample = np.sort(rng.choice(cols, size=size, replace=False))
    thr = np.full(len(rows), -np.inf)
    for s in range(0, len(rows), 8192):
        r = rows[s : s + 8192]
        vals = c0 + q[r] @ x[sample].T
        uu = np.repeat(r, size)
        vv = np.tile(sample, len(r))
        ok = model.feasible(uu, vv).reshape(len(r), size)
        vals = np.where(ok, vals, -np.inf)
        count = ok.sum(axis=1)
        kk = np.minimum(count, k)
        srt = -np.sort(-vals, axis=1)
        pick = srt[np.arange(len(r)), np.maximum(kk - 1, 0)]
        thr[s : s + len(r)] = np.where(count > 0, pick - SAFETY, -np.inf)
    return thr


def _bounds(key: np.ndarray | None, count: int) -> list[tuple[int, int]]:
    """Blocks over ids sorted by the prune key: at most ``BLOCK`` long and cut where the key
    changes (unless that leaves a sliver), so that block pairs lie entirely inside or entirely
    outside the must-have range and the skipped blocks are all the infeasible ones."""
    if key is None or count == 0:
        return [(a, min(a + BLOCK, count)) for a in range(0, count, BLOCK)]
    cuts = [0, *(np.flatnonzero(key[1:] != key[:-1]) + 1).tolist(), count]
    out: list[tuple[int, int]] = []
    start = 0
    for s, e in itertools.pairwise(cuts):
        if s > start and (e - start > BLOCK or min(s - start, e - s) >= BLOCK // 4):
            out.append((start, s))
            start = s
        if e - start > BLOCK:
            pieces = -(-(e - start) // BLOCK)
            edges = np.linspace(start, e, pieces + 1).round().astype(np.int64).tolist()
            out.extend(itertools.pairwise(edges[:-1]))
            start = edges[-2]
    out.append((start, count))
    return out


def scan_topk(
    model: ScoreModel,
    k: int,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    safe_start: bool = False,
) -> Candidates:
    """Exact top-k feasible partners for each row among ``cols``.

    Without ``cols`` the rows are matched among themselves (one population, symmetric scan).
    ``safe_start`` starts every row from feasible sampled partners (used for the few rows whose
    quick first threshold turned out too high).
    """
    n = model.n
    q, x, c0 = model.features()
    symmetric = cols is None
    rows = np.arange(n, dtype=np.int64) if rows is None else np.asarray(rows, np.int64)
    cols = rows if cols is None else np.asarray(cols, np.int64)
    k = max(1, min(k, len(cols)))
    rng = np.random.default_rng(seed)
    if len(rows) == 0 or len(cols) == 0:
        return Candidates(rows, np.full((len(rows), k), -1, np.int64), np.full(len(rows), -np.inf))

    # local row index -> threshold / lists (global id space for symmetric scans)
    thr = np.full(n, np.inf)
    complete = k >= len(cols) - (1 if symmetric else 0)
    quick_start = not (complete or symmetric or safe_start)
    if complete or symmetric or quick_start:  # these start from nearby blocks (below)
        thr[rows] = -np.inf
    else:
        thr[rows] = _initial_thresholds(model, rows, cols, k, q, x, c0, rng)
    nbr = np.full((len(rows), k), -1, np.int64)
    val = np.full((len(rows), k), -np.inf, np.float32)
    local = np.full(n, -1, np.int64)
    local[rows] = np.arange(len(rows))

    prune = model.prune_key()

    def ordered(ids: np.ndarray) -> np.ndarray:
        if prune is None:
            return ids
        pos = prune[0][ids]
        return ids[np.argsort(np.nan_to_num(pos, nan=np.inf), kind="stable")]

    def sort_key(ids: np.ndarray) -> np.ndarray | None:
        return None if prune is None else np.nan_to_num(prune[0][ids], nan=np.inf)

    row_order = ordered(rows)
    col_order = row_order if symmetric else ordered(cols)
    q_rows = np.ascontiguousarray(q[row_order])
    x_cols = np.ascontiguousarray(x[col_order])
    row_bounds = _bounds(sort_key(row_order), len(row_order))
    col_bounds = row_bounds if symmetric else _bounds(sort_key(col_order), len(col_order))

    def span(block: np.ndarray) -> tuple[float, float]:
        if prune is None:
            return -np.inf, np.inf
        pos = prune[0][block]
        pos = pos[~np.isnan(pos)]
        return (float(pos.min()), float(pos.max())) if len(pos) else (np.nan, np.nan)

    row_spans = [span(row_order[a:e]) for a, e in row_bounds]
    col_spans = row_spans if symmetric else [span(col_order[a:e]) for a, e in col_bounds]
    limit = prune[1] if prune else np.inf

    def reachable(bi: int, bj: int) -> bool:
        lo_i, hi_i = row_spans[bi]
        lo_j, hi_j = col_spans[bj]
        return prune is None or not (
            np.isnan(lo_i) or np.isnan(lo_j) or lo_j - hi_i > limit or lo_i - hi_j > limit
        )

    def distance(bi: int, bj: int) -> float:
        """How far apart two blocks are on the prune key (0 when they overlap)."""
        if prune is None:
            return 0.0
        lo_i, hi_i = row_spans[bi]
        lo_j, hi_j = col_spans[bj]
        return max(0.0, lo_j - hi_i, lo_i - hi_j)

    thr_f32 = np.empty(0, np.float32)

    def refresh() -> None:
        """Thresholds in block order, float32. Entries must beat them strictly: ties with the
        k-th best cannot improve a list (and discrete scores tie a lot)."""
        nonlocal thr_f32
        t_rows = thr[row_order]
        thr_f32 = np.where(np.isfinite(t_rows), t_rows, -np.inf).astype(np.float32)

    buf_r: list[np.ndarray] = []
    buf_c: list[np.ndarray] = []
    buf_v: list[np.ndarray] = []

    def merge() -> None:
        if not buf_r:
            return
        r_new = local[np.concatenate(buf_r)]
        c_new = np.concatenate(buf_c)
        v_new = np.concatenate(buf_v).astype(np.float64)
        buf_r.clear()
        buf_c.clear()
        buf_v.clear()
        touched = unique_ints(r_new)
        old_n = nbr[touched].ravel()
        old_v = val[touched].ravel().astype(np.float64)
        old_r = np.repeat(touched, k)
        has = old_n >= 0
        all_r = np.concatenate([r_new, old_r[has]])
        all_c = np.concatenate([c_new, old_n[has]])
        all_v = np.concatenate([v_new, old_v[has]])
        # one sort: by row, best value first (values lie well inside (-4, 4))
        order = np.argsort(all_r * 8.0 + (4.0 - np.clip(all_v, -3.9, 3.9)), kind="stable")
        all_r, all_c, all_v = all_r[order], all_c[order], all_v[order]
        starts = np.searchsorted(all_r, all_r, side="left")
        rank = np.arange(len(all_r)) - starts
        keep = rank < k
        nbr[touched] = -1
        val[touched] = -np.inf
        nbr[all_r[keep], rank[keep]] = all_c[keep]
        val[all_r[keep], rank[keep]] = all_v[keep]
        full = nbr[touched, k - 1] >= 0
        full_rows = touched[full]
        g = rows[full_rows]
        thr[g] = np.maximum(thr[g], val[full_rows, k - 1].astype(np.float64))
        refresh()

    def visit(bi: int, bj: int) -> None:
        a, a_end = row_bounds[bi]
        b, b_end = col_bounds[bj]
        block_i = row_order[a:a_end]
        block_j = col_order[b:b_end]
        scores = q_rows[a:a_end] @ x_cols[b:b_end].T
        if c0:
            scores += np.float32(c0)
        flat = scores.ravel()
        width = b_end - b
        # entries above the row's threshold (and, one population, above the column's): one
        # comparison per entry and a flat nonzero, far cheaper than 2-D nonzero or gathers
        row_hits = np.flatnonzero(scores > thr_f32[a:a_end][:, None])
        col_hits = (
            np.flatnonzero(scores > thr_f32[b:b_end][None, :]) if symmetric and bi != bj else None
        )
        for hits, for_rows in ((row_hits, True), (col_hits, False)):
            if hits is None or not len(hits):
                continue
            r, c = np.divmod(hits, width)
            gi, gj = block_i[r], block_j[c]
            ok = model.feasible(gi, gj)
            owner, partner = (gi, gj) if for_rows else (gj, gi)
            buf_r.append(owner[ok])
            buf_c.append(partner[ok])
            buf_v.append(flat[hits[ok]])

    def quick_thresholds(bi: int, bj: int, same_block: bool) -> None:
        """A first threshold for the rows of block ``bi``: their k-th best among part of block
        ``bj`` (the nearest on the prune key, i.e. similar people). Feasibility is not checked:
        a threshold that is too high only means a short list, and short lists are redone."""
        a, a_end = row_bounds[bi]
        b, b_end = col_bounds[bj]
        sub = min(b_end - b, max(SUB_BLOCK, 2 * k + 1))
        kk = min(k, sub - 1) if same_block else min(k, sub)
        if kk < 1:
            return
        vals = q_rows[a:a_end] @ x_cols[b : b + sub].T
        if c0:
            vals += np.float32(c0)
        vals[row_order[a:a_end, None] == col_order[None, b : b + sub]] = -np.inf  # not oneself
        kth = np.partition(vals, sub - kk, axis=1)[:, sub - kk]
        block = row_order[a:a_end]
        thr[block] = np.maximum(thr[block], kth.astype(np.float64) - SAFETY)

    nb_rows, nb_cols = len(row_bounds), len(col_bounds)
    if symmetric:
        if not complete:
            for bi in range(nb_rows):
                quick_thresholds(bi, bi, True)
        refresh()
        # diagonal blocks first: every row then has a good threshold from similar people
        for bi in range(nb_rows):
            if reachable(bi, bi):
                visit(bi, bi)
        merge()
        # then the other pairs, nearest on the prune key first, so thresholds rise early
        pairs = [
            (bi, bj) for bi in range(nb_rows) for bj in range(bi + 1, nb_rows) if reachable(bi, bj)
        ]
        pairs.sort(key=lambda p: (distance(*p), p[1] - p[0], p[0]))
    else:
        pairs = []
        for bi in range(nb_rows):
            near = sorted((distance(bi, bj), bj) for bj in range(nb_cols) if reachable(bi, bj))
            if quick_start and near:
                quick_thresholds(bi, near[0][1], False)
            pairs.extend((bi, bj) for _, bj in near)
        refresh()
    total = max(1, len(pairs))
    step = max(1, total // 50)
    for done, (bi, bj) in enumerate(pairs, start=1):
        visit(bi, bj)
        merge()  # thresholds rise as early as possible: fewer entries read back later
        if progress is not None and (done % step == 0 or done == total):
            progress(done / total, "candidates")
    merge()
    short = np.flatnonzero((nbr[:, k - 1] < 0) & np.isfinite(thr[rows]))
    if (symmetric or quick_start) and len(short) and not complete:
        redo = scan_topk(model, k, rows=rows[short], cols=cols, seed=seed, safe_start=True)
        nbr[short] = redo.neighbours
        thr[rows[short]] = np.where(np.isfinite(redo.threshold), redo.threshold - SAFETY, -np.inf)
    bound = thr[rows]
    bound = np.where(np.isfinite(bound), np.maximum(bound, 0.0) + SAFETY, -np.inf)
    return Candidates(rows, nbr, bound)


def all_feasible(model: ScoreModel, rows: np.ndarray, cols: np.ndarray) -> Candidates:
    """Complete lists: every feasible partner among ``cols`` for each row (small inputs)."""
    rows = np.asarray(rows, np.int64)
    cols = np.asarray(cols, np.int64)
    lists = []
    for r in rows.tolist():
        ok = model.feasible(np.full(len(cols), r), cols)
        lists.append(cols[ok])
    width = max((len(a) for a in lists), default=0) or 1
    nbr = np.full((len(rows), width), -1, np.int64)
    for i, a in enumerate(lists):
        nbr[i, : len(a)] = a
    return Candidates(rows, nbr, np.full(len(rows), -np.inf))


def edges_from(
    cands: Candidates, extra: tuple[np.ndarray, np.ndarray] | None = None, n: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Unique undirected edges (u < v) of a candidate graph, plus optional extra pairs."""
    k = cands.neighbours.shape[1]
    u = np.repeat(cands.rows, k)
    v = cands.neighbours.ravel()
    ok = v >= 0
    u, v = u[ok], v[ok]
    if extra is not None and len(extra[0]):
        u = np.concatenate([u, extra[0]])
        v = np.concatenate([v, extra[1]])
    size = int(n if n is not None else max(u.max(initial=0), v.max(initial=0)) + 1)
    a, b = np.minimum(u, v), np.maximum(u, v)
    keys = unique_ints(a * size + b)
    return keys // size, keys % size
