from django.urls import path

from .views import kit

app_name = "courses"

urlpatterns = [
    # Short, so that it fits a Zalo message and a QR code: /vi/f/12/.
    path("f/<int:course_id>/", kit.family_page, name="family"),
    path("kit/<int:course_id>/<slug:kind>.pdf", kit.kit_pdf, name="kit_pdf"),
]
