"""WhiteNoise's static files for an async Django: findus' own middleware until servestatic
replaced it, kept for the send path's comparison (bench/send_path.py, `findus_whitenoise`)."""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise's middleware as an async one; static files are found and served as before.

    WhiteNoise's own middleware is sync only. Under ASGI that made Django run the whole
    middleware chain of every request in a worker thread and hop back to the event loop for
    the async views: with the thread hops of the ORM calls, about half of the send path's CPU
    went to asgiref's adapters (bench/profile.py web, BENCHMARKS.md). Here a request for
    anything but a static file passes straight on; serving a file, which is rare behind a
    browser cache or a CDN, runs in a thread.
    """

    sync_capable = False
    async_capable = True

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        assert iscoroutinefunction(get_response)
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve)(static_file, request)
        return await self.get_response(request)
