"""Background workers fed through the channel layer (`manage.py runworker <channel>`)."""

from __future__ import annotations

from typing import Any

from channels.consumer import SyncConsumer

from webapp import imports


class ImportWorker(SyncConsumer):
    """`manage.py runworker imports`: runs bulk-import jobs queued by the admin."""

    def import_run(self, message: dict[str, Any]) -> None:
        imports.run(int(message["job"]))
