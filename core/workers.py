"""A pool of worker processes for the HTTP service: conversions run there, so one that hangs or
crashes is killed and replaced, never the server.

Workers are spawned (not forked from the running event loop) and load the plugins once. Each
takes one job at a time over a pipe; the event loop waits on the pipe without a thread.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .errors import WenzhuanError


class ConversionTimeout(WenzhuanError):
    """A conversion ran past the time limit; its worker was killed."""


class WorkerCrashed(WenzhuanError):
    """A worker process died during a conversion (out of memory, a crash in native code)."""


def _worker_main(conn: Connection, env: dict[str, str]) -> None:
    os.environ.update(env)
    from .jobs import run_job  # imported here so the parent does not pay for it twice

    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        conn.send(run_job(job))


@dataclass(eq=False)  # identity, so workers can live in a set
class _Worker:
    process: Any
    conn: Connection


class WorkerPool:
    def __init__(self, size: int, timeout: float, env: dict[str, str] | None = None):
        self.size = max(1, size)
        self.timeout = timeout
        self.env = dict(env or {})
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.env), daemon=True,
                                    name="wenzhuan-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        return worker

    def start(self) -> None:
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    def close(self) -> None:
        for worker in list(self._all):
            self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        self._all.discard(worker)
        try:
            worker.conn.close()
        except OSError:
            pass
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)

    async def run(self, job: dict[str, Any]) -> dict[str, Any]:
        """Run `job` in a worker; waits for a free worker first (that is the concurrency limit)."""
        worker = await self._idle.get()
        try:
            result = await self._exchange(worker, job)
        except BaseException:
            self._retire(worker)
            self._idle.put_nowait(self._spawn())
            raise
        self._idle.put_nowait(worker)
        return result

    async def _exchange(self, worker: _Worker, job: dict[str, Any]) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            worker.conn.send(job)
            await asyncio.wait_for(ready, self.timeout)
            return worker.conn.recv()
        except asyncio.TimeoutError:
            raise ConversionTimeout(f"the conversion took longer than {self.timeout:g} s and was stopped",
                                    hint="send a smaller document, or raise the server's --timeout") from None
        except (EOFError, OSError):
            raise WorkerCrashed("the conversion worker stopped unexpectedly") from None
        finally:
            loop.remove_reader(fd)
