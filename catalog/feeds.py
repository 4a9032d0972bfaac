from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from catalog.models import Benchmark


class BenchmarkFeed(Feed):
    feed_type = Atom1Feed
    title = "RunLocalAI: new benchmarks"
    link = "/benchmarks/"
    subtitle = "Measured tokens per second as they are added to the catalog, each with its source."

    def items(self):
        return Benchmark.objects.for_listing().verified().order_by("-created_at", "-pk")[:50]

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        parts = []
        if item.decode_tok_s:
            parts.append(f"decode {item.decode_tok_s:.1f} tok/s")
        if item.prefill_tok_s:
            parts.append(f"prefill {item.prefill_tok_s:.1f} tok/s")
        return f"{', '.join(parts)} at {item.context_tokens} tokens. Source: {item.source_url}"

    def item_link(self, item):
        return f"{item.hardware.get_absolute_url()}#benchmarks"

    def item_guid(self, item):
        return f"benchmark-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at
