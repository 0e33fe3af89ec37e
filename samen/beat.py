"""Celery beat runs once, however many machines start it (decision 114).

Every beat takes a lock in Redis before it sends a scheduled task: a key holding its own
token, with a time to live of BEAT_LOCK_SECONDS, renewed at every tick (ticks come at
least every BEAT_LOCK_SECONDS / 3). A second beat finds the key taken, says so once in its
log and keeps trying; when the first stops (it releases the key) or dies (the key
expires), the second takes over. A beat that finds it has lost the key (it stalled longer
than the time to live) stops sending until it holds it again. The scheduled jobs are
idempotent (JobRun, decision 8), so the rare tick sent twice around a take-over is harmless.

Without REDIS_URL (the demo) there is no broker to share and no lock: the plain scheduler.
"""

import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "samen:beat:lock"


def lock_seconds() -> int:
    return settings.BEAT_LOCK_SECONDS


class SingleBeatScheduler(PersistentScheduler):
    """The persistent (shelve) scheduler, sending only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self.lock = None
        self.holding = False
        self.told_waiting = False
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        super().__init__(*args, **kwargs)
        if settings.REDIS_URL:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=5
            )
            self.lock = client.lock(LOCK_KEY, timeout=lock_seconds(), thread_local=False)
            # Renew well before the key expires, whatever the schedule's next entry.
            self.max_interval = min(self.max_interval, max(lock_seconds() / 3, 1))

    def tick(self, *args, **kwargs):
        if self.lock is None or self.hold_lock():
            return super().tick(*args, **kwargs)
        return self.max_interval

    def hold_lock(self) -> bool:
        """Take or renew the lock; True while this beat is the one that schedules."""
        try:
            if self.holding:
                self.lock.reacquire()
                return True
            if self.lock.acquire(blocking=False, token=self.token):
                self.holding = True
                self.told_waiting = False
                logger.info("beat %s took the beat lock: it schedules the jobs", self.token)
                return True
        except redis.exceptions.LockError:
            self.holding = False
            logger.warning("beat %s lost the beat lock: it stops scheduling", self.token)
        except redis.RedisError as exc:
            # Redis is the broker too: nothing could be sent anyway. Try again next tick.
            self.holding = False
            logger.warning("beat %s cannot reach Redis for the lock: %s", self.token, exc)
            return False
        if not self.told_waiting:
            self.told_waiting = True
            holder = self.lock.redis.get(LOCK_KEY)
            logger.info(
                "beat %s waits: another beat (%s) holds the beat lock and schedules the jobs",
                self.token,
                holder.decode() if holder else "?",
            )
        return False

    def close(self):
        super().close()
        if self.holding:
            try:
                self.lock.release()
                logger.info("beat %s released the beat lock", self.token)
            except redis.RedisError:
                pass  # expired or unreachable: it lapses by itself
            self.holding = False
