"""The Litestar application: wiring only. Each domain lives in its own folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

from .assessments.controller import AssessmentController
from .auth.controller import AuthController
from .auth.dependencies import provide_principal
from .catalog import load_catalog
from .catalog.controller import CatalogController
from .catalog.registry import register_form_versions
from .db import Database, open_database
from .db.migrate import migrate
from .errors import exception_handlers
from .export.controller import ExportController
from .fhir.controller import FhirController
from .health import health
from .logs import app_logging_config
from .metrics import Metrics, MetricsMiddleware, metrics_endpoint
from .onboarding.controller import OnboardingController
from .openapi import BedsideOpenAPIPlugin
from .overview.controller import OverviewController
from .people.controller import AdminController, PeopleController
from .portfolio import render as pdf_render
from .portfolio.controller import PortfolioController
from .privacy.http import refuse_identity_numbers
from .pwa_assets import AssetCache, pwa_asset_handler
from .pwa_shell import ShellCache, app_shell
from .requests.controller import LinkController, ReceiptController, RequestController
from .requests.dependencies import provide_actor
from .requests.jobs import MailJob
from .rounds.controller import RoundController, UnitRoundRulesController
from .catalog.unit_forms import UnitFormsController
from .security_headers import SecurityHeadersMiddleware
from .settings import Settings
from .sync_api.controller import refused_changes, sync_echo, sync_endpoint


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> Litestar:
    settings = settings or Settings.from_env()
    catalog = load_catalog(settings.schemas_dir)  # refuses to start on a changed published form

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = await open_database(settings.database_url, settings.sqlite_path if settings.is_sqlite else None)
        try:
            if run_migrations:
                await migrate(db)
            await register_form_versions(db, catalog)
            app.state.db = db
            app.state.mail_job = MailJob(db, catalog, settings)
            app.state.mail_job.start()
            yield
        finally:
            if getattr(app.state, "mail_job", None) is not None:
                await app.state.mail_job.stop()
            pdf_render.shutdown()
            await db.close()

    def provide_db() -> Database:
        return app.state.db  # type: ignore[no-any-return]

    route_handlers: list = [
        health, metrics_endpoint, AuthController, CatalogController, AssessmentController, PeopleController, AdminController,
        OverviewController,
        sync_endpoint, refused_changes, RequestController, LinkController, ReceiptController, RoundController,
        UnitRoundRulesController, UnitFormsController, FhirController, PortfolioController,
        ExportController, OnboardingController,
    ]
    if settings.benchmark_routes:  # BEDSIDE_BENCHMARK_ROUTES=1: python -m bench sync's ceiling, never in production
        route_handlers.append(sync_echo)
    if settings.mail_demo:
        from .mail.devpage import dev_mail

        route_handlers.append(dev_mail)
    if settings.pwa_dir.is_dir():
        route_handlers += [
            app_shell,  # index.html with its first-paint files inlined
            pwa_asset_handler(settings.pwa_dir),  # the JavaScript and CSS, minified (server/pwa_assets.py)
            # no-cache: revalidate (ETag) on every visit, so a new sw.js is noticed at once; offline
            # the service worker answers from its own versioned cache.
            create_static_files_router(path="/", directories=[settings.pwa_dir], name="pwa",
                                       include_in_schema=False, cache_control=CacheControlHeader(no_cache=True)),
        ]
    app = Litestar(
        route_handlers=route_handlers,
        lifespan=[lifespan],
        dependencies={
            "db": Provide(provide_db, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "catalog": Provide(lambda: catalog, sync_to_thread=False),
            "principal": Provide(provide_principal),
            "actor": Provide(provide_actor),
        },
        # JSON only: the HTML viewers load scripts from a CDN, which the Content-Security-Policy forbids
        # completed by server/openapi.py: the /api/sync body, every error status, no unknown fields
        openapi_config=OpenAPIConfig(title="Bedside API", version="0.1.0", path="/schema",
                                     render_plugins=[BedsideOpenAPIPlugin(path=["/", "/openapi.json"])]),
        exception_handlers=exception_handlers(),
        logging_config=app_logging_config(settings.log_format),  # BEDSIDE_LOG_FORMAT: text or JSON lines
        # a personnummer anywhere in what a client sends is refused before any handler runs
        before_request=refuse_identity_numbers,
        request_max_body_size=settings.max_body_bytes,
        # gzip what phones download (app shell, catalog); not the sync hot path, whose answers are small
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6, exclude="^/api/sync"),
    )
    # Around the whole app, not in ``middleware=[...]``: Litestar runs that per route, so the router's
    # own answers (404 for an unknown path, 405) would go out without the security headers.
    metrics = Metrics()
    app.asgi_handler = SecurityHeadersMiddleware(MetricsMiddleware(app.asgi_handler, metrics),
                                                 hsts=settings.env == "production")
    app.state.metrics = metrics
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.pwa_assets = AssetCache(settings.pwa_dir)
    app.state.pwa_shell = ShellCache(settings.pwa_dir, app.state.pwa_assets)
    return app


def app_from_env() -> Litestar:
    """ASGI factory for uvicorn (``server.app:app_from_env``)."""
    return create_app()
