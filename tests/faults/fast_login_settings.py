"""findus' settings with a fast password hasher, for the web processes the fault tests log many
learners into: the real hasher is slow by design, and logging in is not what they measure."""

from findus.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
