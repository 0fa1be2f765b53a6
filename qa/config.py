"""The one settings object. Built once at the edge (CLI, app, ``answer()``), passed down.

Every field can be set from the environment with the ``QA_`` prefix (``QA_INDEX_DIR``,
``QA_LLM``, ...). Inner code never reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.records import IndexConfig

_REPO = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of the whole pipeline; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="forbid", frozen=True)

    # Corpus and index
    corpus_dir: Path = Field(default=_REPO / "corpus", description="directory of articles to index")
    index_dir: Path = Field(default=_REPO / ".qa-index", description="local index directory")
    collection: str = "news"
    embed_model: str = Field(default="", description="sentence-transformers model; '' = bundled all-MiniLM-L6-v2")
    embed_threads: int | None = Field(default=None, ge=1, le=64,
                                      description="embedding threads: batches at once for the numpy encoder "
                                                  "(default 2), torch threads for a sentence-transformers model")
    chunk_size: int = Field(default=600, ge=100, le=8000)
    chunk_overlap: int = Field(default=1, ge=0, le=5)
    chroma_host: str | None = None
    chroma_port: int | None = Field(default=None, ge=1, le=65535)

    # Retrieval and answering
    top_k: int = Field(default=8, ge=1, le=50, description="passages handed to the answerer")
    # "hybrid" is the default: the hand-written score chooses the sentence (the learned reader
    # alone declines too many news questions it should answer: 0.549 answer accuracy on the
    # project's own questions against the gate's 0.90), and the reader declines the answer when
    # it judges that sentence no answer (threshold fitted on public data, qa/answering/reader_model/
    # calibration.json "veto"): wrong answers on SQuADShifts' calibrate split 228 -> 85 of 600.
    reader: Literal["hybrid", "learned", "heuristic"] = Field(
        default="hybrid", description="how answer sentences are scored: 'hybrid' = the hand-written score "
                                      "chooses and the reader in qa/answering/reader_model/ can decline, 'learned' = "
                                      "the reader chooses and declines, 'heuristic' = the hand-written score alone")
    veto_threshold: float | None = Field(default=None, ge=0.0, le=1.0,
                                         description="'hybrid': the reader probability under which the chosen "
                                                     "sentence is declined; unset = the calibrated one")
    abstain_threshold: float | None = Field(default=None, ge=0.0, le=1.0,
                                            description="score below which the answer declines; unset = the "
                                                        "calibrated threshold of the scorer in use")
    max_question_chars: int = Field(default=500, ge=10)
    max_upload_mb: float = Field(default=2.0, gt=0, le=100, description="largest uploaded article, per file")
    max_file_mb: float = Field(default=20.0, gt=0, le=10_000,
                               description="largest corpus file indexed; larger ones are skipped with a warning")
    mode: Literal["auto", "extractive", "llm"] = "auto"

    # Web app
    # A SecretStr: repr(settings), str() and model_dump_json() show "**********", so a logged or
    # printed settings object never carries the password; the app asks get_secret_value().
    auth: SecretStr = Field(default=SecretStr(""), description="user:password for a login in front of the "
                                                               "web app; several separated by commas; '' = no login")

    # Local LLM
    llm: Literal["none", "llama-cpp", "openai"] = "none"
    llm_model: str = Field(default="", description="GGUF path (llama-cpp) or model name (openai); '' = bundled Gemma 3 270M")
    llm_base_url: str = "http://127.0.0.1:8080/v1"
    llm_api_key: str = "not-needed"
    llm_timeout: float = Field(default=120.0, gt=0)
    llm_max_tokens: int = Field(default=256, ge=16, le=4096)
    llm_context: int = Field(default=2048, ge=512, le=131072)
    llm_threads: int = Field(default=1, ge=1, le=64,
                             description="llama.cpp threads; more than the idle cores makes it ~10x slower")

    @field_validator("chroma_host")
    @classmethod
    def _blank_host_is_none(cls, v: str | None) -> str | None:
        return v or None

    @model_validator(mode="after")
    def _host_and_port_together(self) -> "Settings":
        if (self.chroma_host is None) != (self.chroma_port is None):
            raise ValueError("set both QA_CHROMA_HOST and QA_CHROMA_PORT for Chroma server mode, or neither")
        return self

    def index_config(self) -> IndexConfig:
        """The part of the settings the write side needs."""
        return IndexConfig(
            index_dir=self.index_dir,
            collection=self.collection,
            embed_model=self.embed_model,
            chunk_size=self.chunk_size,
            chunk_overlap=self.chunk_overlap,
            chroma_host=self.chroma_host,
            chroma_port=self.chroma_port,
            max_file_mb=self.max_file_mb,
        )
