"""What a centre configures for the workbench (``rarebone serve`` options; docs/workbench.md "Deploying")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    db_url: str | None = None  # as `--db`: a URL or a SQLite path; None = $RAREBONE_DB, then the user data folder
    secure_cookies: bool = False  # True when TLS terminates in front (cookies then only travel over https)
    idle_minutes: float = 30  # a session unused this long is signed out
    max_session_hours: float = 12  # and any session ends after this long, used or not
    # sign-in rate limits: failures allowed within the window, per account and per client address
    signin_window_minutes: float = 15
    signin_failures_per_account: int = 5
    signin_failures_per_address: int = 20
    create_db: bool = False  # create an empty SQLite registry when the file is missing
    job_workers: int = 2  # background threads for long jobs (imports); requests are never blocked by them
    warm_up: bool = True  # load knowledge, ontology and indexes in the background at start
    differential_top: int = 10  # diseases the assessment page's phenotype-driven differential lists (0: none)
