"""Django's PostgreSQL backend, with a pool that lets go of every dead connection at once.

With the pool and CONN_HEALTH_CHECKS, Django checks a connection before
handing it out. After the server restarts, every idle connection in the pool
is dead, and psycopg_pool finds them one at a time, backing off 1 s, then
2 s, between them: with a few idle connections the first requests after a
quiet restart ran out of DB_CONNECT_TIMEOUT and answered 503. Here the first
failed check has the pool check all its idle connections at once (one round
trip each, a dead one fails at once), so the next connection it hands out is
a new one.
"""

from __future__ import annotations

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper


class DatabaseWrapper(PostgresWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is not None and not getattr(pool, "_sora_drains", False):
            check = pool._check  # the pool's own health check (Django's, from CONN_HEALTH_CHECKS)
            if check is not None:

                def check_or_drain(conn, check=check, pool=pool):
                    try:
                        check(conn)
                    except Exception:
                        pool.check()  # every idle connection that died with this one goes now
                        raise

                pool._check = check_or_drain
            pool._sora_drains = True
        return pool
