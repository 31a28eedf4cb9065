from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create the admin user if missing and print how to sign in (ADMIN_USER / ADMIN_PASSWORD)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="the address the app is served on (make run's HOST)")
        parser.add_argument("--port", type=int, default=8000, help="the port it is served on (make run's PORT)")

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.getenv("ADMIN_USER", "admin")
        password = os.getenv("ADMIN_PASSWORD", "")
        saved = settings.VAR_DIR / "admin-password.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                password = secrets.token_urlsafe(12)
                saved.parent.mkdir(parents=True, exist_ok=True)
                saved.write_text(password + "\n", encoding="utf-8")
                saved.chmod(0o600)
            User.objects.create_superuser(username=username, email="", password=password)
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save()
        if not password and saved.is_file():
            password = saved.read_text(encoding="utf-8").strip()
        shown = password or "(the password you chose; set ADMIN_PASSWORD to reset it)"
        host, port = options["host"], options["port"]
        origin = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"  # an IPv6 address in brackets
        self.stdout.write(f"Admin: {origin}/admin/  user: {username}  password: {shown}")
        self.stdout.write(f"Demo candidate: {origin}/  user: demo  password: {settings.DEMO_PASSWORD}")
