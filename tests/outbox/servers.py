"""Real servers for the outbox tests, on ports picked at run time on 127.0.0.1: an SMTP
server (aiosmtpd) that keeps what it receives, and a redis-server."""

import email
import shutil
import socket
import subprocess
import time

import redis
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick; closed again at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Keep:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"


class SmtpServer:
    """`with SmtpServer(port) as smtp:` ... `smtp.messages` (parsed e-mails)."""

    def __init__(self, port: int):
        self.keep = _Keep()
        self.controller = Controller(self.keep, hostname="127.0.0.1", port=port)

    @property
    def messages(self):
        return self.keep.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class RedisServer:
    """`with RedisServer(port):` a throw-away redis-server without persistence."""

    def __init__(self, port: int):
        self.port = port

    def __enter__(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the broker test"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        client.close()
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def smtp_mailers(port: int) -> dict:
    """MAILERS with the SMTP backend on 127.0.0.1:port (Django's test run sets locmem)."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
