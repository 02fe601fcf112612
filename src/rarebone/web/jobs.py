"""Long jobs (a big import) run in a small thread pool, never in the request: the page that starts one returns at
once with a link to the job's page, which shows progress (refreshing itself without script)."""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Job:
    id: str
    owner: str  # the account that started it; only it can see the job
    title: str
    done: int = 0
    total: int | None = None
    finished: bool = False
    error: str | None = None
    result: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)


class JobPool:
    KEEP = 200  # finished jobs kept for their pages

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="rarebone-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, owner: str, title: str, work, total: int | None = None) -> Job:
        """``work(job)`` runs in the pool; it advances ``job.done`` and fills ``job.result``."""
        job = Job(id=secrets.token_urlsafe(12), owner=owner, title=title, total=total)
        with self._lock:
            if len(self._jobs) >= self.KEEP:
                for old in [j.id for j in self._jobs.values() if j.finished][: len(self._jobs) - self.KEEP + 1]:
                    del self._jobs[old]
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, work)
        return job

    @staticmethod
    def _run(job: Job, work) -> None:
        from rarebone.errors import RareboneError

        try:
            work(job)
        except RareboneError as exc:
            job.error = str(exc)
        except Exception:  # logged with its traceback for the operator; the page says one sentence
            import logging

            logging.getLogger("rarebone.web").exception("job %s failed", job.title)
            job.error = "The job failed on the server; the error was logged."
        finally:
            job.finished = True

    def get(self, job_id: str, owner: str) -> Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
