"""Send the statements that are due to the Learning Record Store (h5p.lrs), oldest first, until
nothing is due or the LRS fails (then they wait for their next attempt). Run it from cron every
few minutes, or by hand after the LRS comes back; safe beside task workers and other runs."""

from django.conf import settings
from django.core.management.base import BaseCommand

from h5p.lrs import forward


class Command(BaseCommand):
    help = "Send the H5P statements that are due to the Learning Record Store (LRS_ENDPOINT)."

    def add_arguments(self, parser):
        parser.add_argument("--max-batches", type=int, default=None, help="Stop after this many POSTs.")

    def handle(self, *args, max_batches=None, **options):
        if not settings.LRS_ENDPOINT:
            self.stdout.write("LRS_ENDPOINT is empty: forwarding is off, nothing was sent.")
            return
        run = forward(max_batches=max_batches)
        if run.busy:
            self.stdout.write("Another run is sending right now; it sends what is due.")
        self.stdout.write(
            f"Sent {run.sent}, waiting to be tried again {run.retrying}, given up (dead letters) {run.dead}, "
            f"dropped (no consent) {run.dropped}, in {run.batches} POST(s)."
        )
