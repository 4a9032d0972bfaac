"""Delete digest signups that were never confirmed, as the newsletter's privacy notice promises.

Run it daily (cron or a scheduler): `manage.py prune_newsletter`.
"""

from django.core.management.base import BaseCommand

from editorial.newsletter import UNCONFIRMED_KEPT_FOR, Subscriber


class Command(BaseCommand):
    help = f"Delete signups left unconfirmed for {UNCONFIRMED_KEPT_FOR.days} days."

    def handle(self, *args, **options):
        _, per_model = Subscriber.objects.unconfirmed_and_stale().delete()
        deleted = per_model.get(Subscriber._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} unconfirmed signup(s).")
