"""Servers the benchmarks and the tests start: `streamlit run` and the chat-model server on a free port,
each logging to a file, and the one "wait until serving" both use."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hkai.core.config import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(command: list[str], env: dict | None, name: str, cwd: Path = PROJECT_ROOT) -> subprocess.Popen:
    """A server process whose output goes to a log file (a pipe nobody reads fills up and stops the server)."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = Path(log.name)
    return proc


def wait_until_up(proc: subprocess.Popen, url: str, seconds: float, what: str, every: float = 0.25
                  ) -> subprocess.Popen:
    """Poll `url` until the server `proc` answers; say what it printed if it dies or never does."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(every)
    proc.kill()
    proc.wait()
    said = proc.log_path.read_text(errors="replace")[-2000:] if getattr(proc, "log_path", None) else ""
    raise RuntimeError(f"{what} did not start: {said}")


def streamlit_command(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true"]


def start_streamlit(port: int, env: dict, name: str, cwd: Path = PROJECT_ROOT, seconds: float = 90,
                    every: float = 0.25) -> subprocess.Popen:
    return wait_until_up(spawn(streamlit_command(port), env, name, cwd), f"http://127.0.0.1:{port}/_stcore/health",
                         seconds, "streamlit", every)


def start_model_server(port: int, name: str, seconds: float = 300) -> subprocess.Popen:
    """The real small chat model (bench/llm_server.py) behind an OpenAI-compatible endpoint."""
    import os

    env = {**os.environ, "OMP_NUM_THREADS": "2"}  # the model writes faster on both cores
    proc = spawn([sys.executable, "-m", "bench.llm_server", "--port", str(port)], env, name)
    return wait_until_up(proc, f"http://127.0.0.1:{port}/v1/models", seconds, "the model server", every=1.0)
