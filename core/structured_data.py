"""schema.org JSON-LD for the page types search engines understand."""

from django.conf import settings


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def breadcrumb_list(crumbs):
    """crumbs: [(name, path)], the current page last."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": absolute(path)}
            for index, (name, path) in enumerate(crumbs, 1)
        ],
    }


def hardware_product(hardware, offers=()):
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": hardware.name,
        "brand": {"@type": "Brand", "name": hardware.vendor.name},
        "url": absolute(hardware.get_absolute_url()),
        "category": hardware.get_kind_display(),
        "additionalProperty": [
            {
                "@type": "PropertyValue",
                "name": "Memory bandwidth",
                "value": hardware.bandwidth_gb_s,
                "unitText": "GB/s",
            },
        ],
    }
    if hardware.memory_gb:
        data["additionalProperty"].append(
            {
                "@type": "PropertyValue",
                "name": "Memory",
                "value": hardware.memory_gb,
                "unitText": "GB",
            }
        )
    priced = [
        {
            "@type": "Offer",
            "price": str(offer.price),
            "priceCurrency": offer.currency,
            "url": absolute(f"/go/{offer.pk}/"),
            "availability": "https://schema.org/InStock"
            if offer.in_stock
            else "https://schema.org/OutOfStock",
        }
        for offer in offers
    ]
    if priced:
        data["offers"] = priced
    return data


def software_application(runtime):
    return {
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "name": runtime.name,
        "applicationCategory": "DeveloperApplication",
        "operatingSystem": ", ".join(runtime.operating_systems),
        "license": runtime.license,
        "url": absolute(runtime.get_absolute_url()),
        "sameAs": runtime.repo_url or None,
        "offers": {"@type": "Offer", "price": "0", "priceCurrency": "USD"},
    }


def defined_term(term):
    return {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "name": term.display_name,
        "description": term.definition,
        "url": absolute(term.get_absolute_url()),
        "inDefinedTermSet": absolute("/glossary/"),
    }


def faq_page(question, answer_html):
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": answer_html},
            }
        ],
    }


def article(item, headline, description=""):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": headline,
        "description": description,
        "url": absolute(item.get_absolute_url()),
        "dateModified": item.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": "RunLocalAI"},
    }
    if getattr(item, "reviewer", None):
        data["author"] = {"@type": "Organization", "name": item.reviewer.name}
    if getattr(item, "reviewed_on", None):
        data["datePublished"] = item.reviewed_on.isoformat()
    return data


def page_context(crumbs, *items):
    """Breadcrumbs for the page and its JSON-LD: the BreadcrumbList plus any other items."""
    crumbs = [("Home", "/"), *crumbs]
    return {"crumbs": crumbs[1:] and crumbs, "structured_data": [breadcrumb_list(crumbs), *items]}
