"""Real `okrbot serve` processes for the deploy tests: started as a host starts them, stopped with SIGTERM.

Each runs `python -m adapters.cli serve` on a free loopback port with only the settings a test gives it (none
leak in from the environment running the tests), its output in a file that failed assertions show.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from aiohttp import ClientError, ClientSession, ClientTimeout

from adapters.settings import AppSettings
from tests.children import python_path

SETTING_VARIABLES = {name.upper() for name in AppSettings.model_fields}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_refuses(port: int) -> bool:
    """True when nothing listens on the port any more (a connection is refused at once)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


class ServeProcess:
    def __init__(self, name: str, workdir: Path, settings: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        self.workdir = workdir
        inherited = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_VARIABLES}
        self.env = {**inherited, "PYTHONPATH": python_path(), **settings}
        self.process: subprocess.Popen[bytes] | None = None
        self.signalled_at: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "adapters.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=self.workdir,  # no .env of the repository's is read
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def healthy(self, within: float = 30.0) -> None:
        """Wait until /healthz answers 200 (the app is up: migrations checked, platforms mounted)."""
        assert self.process is not None
        deadline = time.monotonic() + within
        async with ClientSession(timeout=ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, f"{self.name} exited early:\n{self.log()}"
                try:
                    async with http.get(f"{self.url}/healthz") as answer:
                        if answer.status == 200:
                            return
                except (ClientError, OSError):
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} did not come up within {within}s:\n{self.log()}")

    def terminate(self) -> None:
        assert self.process is not None
        self.signalled_at = time.monotonic()
        self.process.send_signal(signal.SIGTERM)

    async def exited(self, within: float = 15.0) -> tuple[int, float]:
        """The exit code, and the seconds from SIGTERM to exit."""
        assert self.process is not None
        code = await asyncio.to_thread(self.process.wait, within)
        return code, time.monotonic() - (self.signalled_at or 0.0)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
