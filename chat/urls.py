from django.contrib.auth import views as auth_views
from django.urls import path

from chat import views
from chat.history import views as history

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("login/", views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("conversations/new/", views.new_conversation, name="new-conversation"),
    path("conversations/<int:conversation_id>/", views.conversation, name="conversation"),
    path("conversations/<int:conversation_id>/turns/", views.turns, name="turns"),
    path(
        "conversations/<int:conversation_id>/turns/<int:message_id>/",
        views.turns,
        name="turn",
    ),
    path("conversations/<int:conversation_id>/review/", views.review, name="review"),
    path("mistakes/", history.mistakes, name="mistakes"),
    path("mistakes/patterns/<int:pattern_id>/", history.mistake_pattern, name="mistake-pattern"),
    path("progress/", history.progress, name="progress"),
    path("settings/", history.learner_settings, name="learner-settings"),
]
