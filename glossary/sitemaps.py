from catalog.sitemaps import PublishedSitemap
from glossary.models import Term


class TermSitemap(PublishedSitemap):
    model = Term
