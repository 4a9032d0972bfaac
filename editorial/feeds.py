import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from editorial.models import PulseEntry
from editorial.shortcodes import render_content


class PulseFeed(Feed):
    feed_type = Atom1Feed
    title = "RunLocalAI Pulse"
    link = "/pulse/"
    subtitle = "Dated notes on what changed for people running AI models locally."

    def items(self):
        return PulseEntry.objects.published().order_by("-date", "-pk")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return render_content(item.summary).html

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_updateddate(self, item):
        return item.updated_at
