from core.sitemaps import PublishedSitemap
from glossary.models import Term


class TermSitemap(PublishedSitemap):
    model = Term


SECTIONS = {"glossary": TermSitemap}
PAGES = ["glossary:term_list"]
