"""Admin for the digest: subscribers (read-only records), digests with preview, test and send,
and the deliveries the send job records."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.mail import mailers
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from editorial.digest import Delivery, Digest
from editorial.newsletter import Subscriber
from editorial.tasks import send_digest


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "consent_version"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "email",
        "status",
        "source_page",
        "consent_version",
        "created_at",
        "requested_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    actions = ["unsubscribe_selected"]

    def has_add_permission(self, request):
        return False  # addresses join only through double opt-in

    @admin.action(description="Unsubscribe the selected addresses", permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = sum(subscriber.unsubscribe() for subscriber in queryset)
        self.message_user(request, f"Unsubscribed {count} address(es).", messages.SUCCESS)


def send_test(request, digest):
    """Mail the digest, marked as a test, to the editor's own address; report in messages."""
    if not request.user.email:
        messages.error(request, "Your account has no email address to send a test to.")
        return
    try:
        with mailers.default as connection:
            connection.send_messages([digest.test_message(request.user.email)])
    except Exception as error:  # the mail server's refusal, shown to the editor
        messages.error(request, f"The test could not be sent: {error}")
        return
    messages.success(request, f"Sent a test of “{digest}” to {request.user.email}.")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["month", "subject", "status", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "intro"]
    fields = ["month", "subject", "intro", "status", "queued_at", "sent_at"]
    readonly_fields = ["status", "queued_at", "sent_at"]
    change_form_template = "editorial/newsletter/admin_digest_change_form.html"
    actions = ["send_test_to_me"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Digest.Status.DRAFT:
            return ["month", "subject", "intro", *self.readonly_fields]  # frozen once queued
        return self.readonly_fields

    @admin.action(description="Send a test to me", permissions=["view"])
    def send_test_to_me(self, request, queryset):
        for digest in queryset:
            send_test(request, digest)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview), name="editorial_digest_preview"),
            path(
                "<int:pk>/preview/html/",
                wrap(self.preview_html),
                name="editorial_digest_preview_html",
            ),
            *super().get_urls(),
        ]

    def _digest(self, request, pk):
        digest = get_object_or_404(Digest, pk=pk)
        if not self.has_view_permission(request, digest):
            raise PermissionDenied
        return digest

    def preview(self, request, pk):
        """The email as subscribers will get it, with the test, send and resume buttons."""
        digest = self._digest(request, pk)
        if request.method == "POST":
            return self._act(request, digest)
        message = digest.test_message(request.user.email or "editor@example.com")
        body_html, _ = digest.body()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Preview: {digest}",
            "digest": digest,
            "message": message,
            "body_html": body_html,
            "can_send": self.has_change_permission(request, digest),
            "recipients": Subscriber.objects.confirmed().count(),
            "deliveries": digest.deliveries.values("status")
            .annotate(count=Count("pk"))
            .order_by("status"),
            "unsubscribe_header": message.extra_headers["List-Unsubscribe"],
        }
        return TemplateResponse(request, "editorial/newsletter/admin_preview.html", context)

    def preview_html(self, request, pk):
        """The HTML part alone, exactly as it goes out."""
        digest = self._digest(request, pk)
        message = digest.test_message(request.user.email or "editor@example.com")
        return HttpResponse(message.alternatives[0].content)

    def _act(self, request, digest):
        action = request.POST.get("action")
        if action == "test":
            send_test(request, digest)
        elif not self.has_change_permission(request, digest):
            raise PermissionDenied
        elif action == "send" and request.POST.get("confirm") == "yes":
            if digest.queue_for_sending():
                messages.success(request, "Queued: the worker is sending the digest now.")
            else:
                messages.error(request, "Only a draft can be sent.")
        elif action == "send":
            messages.error(request, "Tick the box to confirm the send.")
        elif action == "resume" and digest.status in {Digest.Status.QUEUED, Digest.Status.SENDING}:
            send_digest.enqueue(digest.pk)
            messages.success(request, "Queued the send job again; nobody gets the digest twice.")
        return redirect(reverse("admin:editorial_digest_preview", args=[digest.pk]))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["digest", "subscriber", "status", "claimed_at", "sent_at", "error"]
    list_filter = ["status", "digest"]
    list_select_related = ["digest", "subscriber"]
    search_fields = ["subscriber__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the send job's record; editors read it, never rewrite it
