"""Background jobs of the editorial app, run by the database-backed worker (`manage.py db_worker`).

Tasks take row ids, not rows: arguments are stored as JSON until a worker picks the job up.
"""

from django.apps import apps
from django.conf import settings
from django.core.mail import mailers
from django.tasks import task

from editorial.newsletter import Subscriber


@task()
def send_signup_reply(subscriber_id):
    """Mail the confirmation link, or the "already on the list" note, for one signup request.

    Signups are what create pending rows, so deleting the stale ones here keeps the privacy
    notice's promise (unconfirmed addresses go after 30 days) without a scheduler; the
    prune_newsletter command does the same from cron.
    """
    Subscriber.objects.unconfirmed_and_stale().delete()
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    message = subscriber.signup_reply() if subscriber else None
    if message is None:
        return 0
    with mailers.default as connection:
        return connection.send_messages([message])


@task()
def send_digest(digest_id):
    """Send a queued digest to every confirmed subscriber; safe to run again after a crash."""
    # By name: the digest module enqueues this task, so importing it here would be a cycle.
    digest = apps.get_model("editorial", "Digest").objects.get(pk=digest_id)
    return dict(digest.send_to_subscribers(batch_size=settings.NEWSLETTER_BATCH_SIZE))
