from django.urls import path

from tandem.scim import admin_views

app_name = "scim_admin"

urlpatterns = [
    path("tokens/", admin_views.tokens_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", admin_views.token_revoke_view, name="token_revoke"),
]
