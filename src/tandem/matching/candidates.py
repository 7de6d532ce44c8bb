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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem.matching.scoring import ScoreModel

Progress = Callable[[float, str], None]
BLOCK = 2048
SAMPLE = 256
SAFETY = 1e-5  # float32 products against the exact float64 scores


@dataclass
class Candidates:
    rows: np.ndarray  # query ids (global)
    neighbours: np.ndarray  # (len(rows), k) global ids of the other side, -1 = none
    threshold: np.ndarray  # per row, bound on any feasible partner not listed; -inf = complete

    @property
    def k(self) -> int:
        return int(self.neighbours.shape[1])


def _initial_thresholds(
    model: ScoreModel, rows: np.ndarray, cols: np.ndarray, k: int, q: np.ndarray, x: np.ndarray,
    c0: float, rng: np.random.Generator,
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
        thr[s : s + len(r)] = np.where(count > 0, pick, -np.inf)
    return thr


def scan_topk(
    model: ScoreModel,
    k: int,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> Candidates:
    """Exact top-k feasible partners for each row among ``cols``.

    Without ``cols`` the rows are matched among themselves (one population, symmetric scan).
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

    row_order = ordered(rows)
    col_order = row_order if symmetric else ordered(cols)
    row_blocks = [row_order[s : s + BLOCK] for s in range(0, len(row_order), BLOCK)]
    col_blocks = (
        row_blocks if symmetric else [col_order[s : s + BLOCK] for s in range(0, len(col_order), BLOCK)]
    )

    def span(block: np.ndarray) -> tuple[float, float]:
        if prune is None:
            return -np.inf, np.inf
        pos = prune[0][block]
        pos = pos[~np.isnan(pos)]
        return (float(pos.min()), float(pos.max())) if len(pos) else (np.nan, np.nan)

    row_spans = [span(b) for b in row_blocks]
    col_spans = row_spans if symmetric else [span(b) for b in col_blocks]
    limit = prune[1] if prune else np.inf

    buf_r: list[np.ndarray] = []
    buf_c: list[np.ndarray] = []
    buf_v: list[np.ndarray] = []

    def merge() -> None:
        if not buf_r:
            return
        r_new = local[np.concatenate(buf_r)]
        c_new = np.concatenate(buf_c)
        v_new = np.concatenate(buf_v)
        buf_r.clear()
        buf_c.clear()
        buf_v.clear()
        touched = np.unique(r_new)
        old_n = nbr[touched].ravel()
        old_v = val[touched].ravel()
        old_r = np.repeat(touched, k)
        has = old_n >= 0
        all_r = np.concatenate([r_new, old_r[has]])
        all_c = np.concatenate([c_new, old_n[has]])
        all_v = np.concatenate([v_new, old_v[has]])
        order = np.lexsort((all_c, -all_v, all_r))
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

    total = sum(len(col_blocks) - i for i in range(len(row_blocks))) if symmetric else (
        len(row_blocks) * len(col_blocks)
    )
    done = 0
    for bi, block_i in enumerate(row_blocks):
        lo_i, hi_i = row_spans[bi]
        q_i = q[block_i]
        for bj in range(bi if symmetric else 0, len(col_blocks)):
            done += 1
            block_j = col_blocks[bj]
            lo_j, hi_j = col_spans[bj]
            if prune is not None and (
                np.isnan(lo_i) or np.isnan(lo_j) or lo_j - hi_i > limit or lo_i - hi_j > limit
            ):
                continue
            scores = q_i @ x[block_j].T
            if c0:
                scores += np.float32(c0)
            thr_i = thr[block_i]
            two_sided = symmetric and bi != bj
            theta = thr_i.min()
            if two_sided:
                theta = min(theta, thr[block_j].min())
            r, c = np.nonzero(scores >= np.float32(max(theta, -1e30)))
            if len(r) == 0:
                continue
            vals = scores[r, c]
            gi, gj = block_i[r], block_j[c]
            side_i = vals >= thr[gi]
            side_j = (vals >= thr[gj]) if two_sided else np.zeros(len(vals), bool)
            keep = side_i | side_j
            if not keep.any():
                continue
            gi, gj, vals, side_i, side_j = gi[keep], gj[keep], vals[keep], side_i[keep], side_j[keep]
            ok = model.feasible(gi, gj)
            a = side_i & ok
            buf_r.append(gi[a])
            buf_c.append(gj[a])
            buf_v.append(vals[a])
            b = side_j & ok
            if b.any():
                buf_r.append(gj[b])
                buf_c.append(gi[b])
                buf_v.append(vals[b])
        merge()
        if progress is not None:
            progress(done / max(1, total), "candidates")
    merge()
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


def edges_from(cands: Candidates, extra: tuple[np.ndarray, np.ndarray] | None = None,
               n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
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
    keys = np.unique(a * size + b)
    return keys // size, keys % size
