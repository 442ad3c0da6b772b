# A minimal Starlette app behind TrustedHostMiddleware, for its real "Invalid host header" answer.
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def home(request):
    return PlainTextResponse("starlette shop")


app = Starlette(
    routes=[Route("/", home)],
    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["app.internal"])],
)
