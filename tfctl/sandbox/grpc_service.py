"""tfplugin5.2 Provider service over the emulator, plus go-plugin's controller and health services.

Every RPC turns Python exceptions into diagnostics: Terraform shows an opaque gRPC error otherwise.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from concurrent import futures
from typing import Any

import grpc
from tfplugin_proto import tfplugin5_2_pb2 as pb
from tfplugin_proto import tfplugin5_2_pb2_grpc as pb_grpc

from tfctl.sandbox.cty import (
    CtyError,
    CtyType,
    decode_json,
    decode_msgpack,
    encode_msgpack,
    type_json,
)
from tfctl.sandbox.emulator import AttrPath, Diagnostic, ProviderEmulator, attribute_type

log = logging.getLogger(__name__)
_HEALTH_SERVING = b"\x08\x01"  # grpc.health.v1.HealthCheckResponse{status: SERVING}


def schema_block(attributes: dict[str, Any], version: int = 0) -> Any:
    """A protocol-5 Schema from the schema document's attribute map."""
    block = pb.Schema.Block(version=version)
    for name in sorted(attributes):
        attr = attributes[name]
        sensitive = bool(attr.get("sensitive")) or _has_sensitive_inner(attr)
        required = bool(attr.get("required"))
        block.attributes.append(
            pb.Schema.Attribute(
                name=name,
                type=type_json(attribute_type(attr)),
                description=attr.get("description", ""),
                required=required,
                optional=not required and bool(attr.get("optional")),
                computed=not required and bool(attr.get("computed")),
                sensitive=sensitive,
                deprecated=bool(attr.get("deprecated")),
            )
        )
    return pb.Schema(version=version, block=block)


def _has_sensitive_inner(attr: dict[str, Any]) -> bool:
    nested = attr.get("nested")
    if not nested:
        return False
    return any(a.get("sensitive") or _has_sensitive_inner(a) for a in nested["attributes"].values())


def _diagnostics(diags: Iterable[Diagnostic]) -> list[Any]:
    out = []
    for d in diags:
        severity = pb.Diagnostic.ERROR if d.severity == "error" else pb.Diagnostic.WARNING
        out.append(
            pb.Diagnostic(
                severity=severity,
                summary=d.summary,
                detail=d.detail,
                attribute=_path(d.path[:1]) if d.path else None,
            )
        )
    return out


def _path(path: AttrPath) -> Any:
    steps = []
    for step in path:
        if isinstance(step, int):
            steps.append(pb.AttributePath.Step(element_key_int=step))
        else:
            steps.append(pb.AttributePath.Step(attribute_name=step))
    return pb.AttributePath(steps=steps)


def _decode(value: Any, cty_type: CtyType) -> Any:
    if value is None:
        return None
    if value.msgpack:
        return decode_msgpack(value.msgpack, cty_type)
    if value.json:
        return decode_json(value.json, cty_type)
    return None


def _dynamic(value: Any, cty_type: CtyType) -> Any:
    return pb.DynamicValue(msgpack=encode_msgpack(value, cty_type))


def _guarded(response_type: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, request: Any, context: Any) -> Any:
            try:
                return method(self, request, context)
            except CtyError as err:
                diag = Diagnostic("Invalid value for the sandbox provider", str(err))
            except Exception as err:
                log.debug("sandbox provider error: %s", traceback.format_exc())
                diag = Diagnostic(
                    "Sandbox provider error",
                    f"{type(err).__name__}: {err}. This is a bug in the tfctl sandbox emulator.",
                )
            return response_type(diagnostics=_diagnostics([diag]))

        wrapper.__name__ = method.__name__
        return wrapper

    return decorate


class ProviderService(pb_grpc.ProviderServicer):
    """tfplugin5.Provider backed by a ProviderEmulator."""

    def __init__(self, emulator: ProviderEmulator) -> None:
        self.emulator = emulator
        self._schema = self._build_schema()

    def _build_schema(self) -> Any:
        em = self.emulator
        response = pb.GetProviderSchema.Response(
            provider=schema_block(em.provider_attribute_flags())
        )
        for type_name, attrs in em.resources.items():
            response.resource_schemas[type_name].CopyFrom(schema_block(attrs))
        for type_name, attrs in em.data_sources.items():
            response.data_source_schemas[type_name].CopyFrom(schema_block(attrs))
        return response

    def GetSchema(self, request: Any, context: Any) -> Any:
        return self._schema

    @_guarded(pb.PrepareProviderConfig.Response)
    def PrepareProviderConfig(self, request: Any, context: Any) -> Any:
        config = _decode(request.config, self.emulator.provider_type())
        return pb.PrepareProviderConfig.Response(
            prepared_config=request.config,
            diagnostics=_diagnostics(self.emulator.validate_provider(config)),
        )

    @_guarded(pb.ValidateResourceTypeConfig.Response)
    def ValidateResourceTypeConfig(self, request: Any, context: Any) -> Any:
        em = self.emulator
        config = _decode(request.config, em.resource_type(request.type_name))
        diags = em.validate_resource(request.type_name, config)
        return pb.ValidateResourceTypeConfig.Response(diagnostics=_diagnostics(diags))

    @_guarded(pb.ValidateDataSourceConfig.Response)
    def ValidateDataSourceConfig(self, request: Any, context: Any) -> Any:
        em = self.emulator
        config = _decode(request.config, em.data_source_type(request.type_name))
        diags = em.validate_resource(request.type_name, config, data=True)
        return pb.ValidateDataSourceConfig.Response(diagnostics=_diagnostics(diags))

    @_guarded(pb.UpgradeResourceState.Response)
    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        cty_type = self.emulator.resource_type(request.type_name)
        if not request.raw_state.json:
            raise CtyError("state in the legacy flatmap format cannot be read by the sandbox")
        value = self.emulator.upgrade(
            request.type_name, decode_json(request.raw_state.json, cty_type)
        )
        return pb.UpgradeResourceState.Response(upgraded_state=_dynamic(value, cty_type))

    @_guarded(pb.Configure.Response)
    def Configure(self, request: Any, context: Any) -> Any:
        config = _decode(request.config, self.emulator.provider_type())
        return pb.Configure.Response(diagnostics=_diagnostics(self.emulator.configure(config)))

    @_guarded(pb.ReadResource.Response)
    def ReadResource(self, request: Any, context: Any) -> Any:
        cty_type = self.emulator.resource_type(request.type_name)
        state = _decode(request.current_state, cty_type)
        result = self.emulator.read(request.type_name, state, request.private)
        return pb.ReadResource.Response(
            new_state=_dynamic(result.new_state, cty_type),
            private=result.private,
            diagnostics=_diagnostics(result.diagnostics),
        )

    @_guarded(pb.PlanResourceChange.Response)
    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        cty_type = self.emulator.resource_type(request.type_name)
        result = self.emulator.plan(
            request.type_name,
            _decode(request.prior_state, cty_type),
            _decode(request.proposed_new_state, cty_type),
            _decode(request.config, cty_type),
        )
        if result.diagnostics:
            return pb.PlanResourceChange.Response(diagnostics=_diagnostics(result.diagnostics))
        return pb.PlanResourceChange.Response(
            planned_state=_dynamic(result.planned, cty_type),
            requires_replace=[_path(p) for p in result.requires_replace],
            planned_private=request.prior_private,
        )

    @_guarded(pb.ApplyResourceChange.Response)
    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        cty_type = self.emulator.resource_type(request.type_name)
        result = self.emulator.apply(
            request.type_name,
            _decode(request.prior_state, cty_type),
            _decode(request.planned_state, cty_type),
            request.planned_private,
        )
        return pb.ApplyResourceChange.Response(
            new_state=_dynamic(result.new_state, cty_type),
            private=result.private,
            diagnostics=_diagnostics(result.diagnostics),
        )

    @_guarded(pb.ImportResourceState.Response)
    def ImportResourceState(self, request: Any, context: Any) -> Any:
        cty_type = self.emulator.resource_type(request.type_name)
        result = self.emulator.import_state(request.type_name, request.id)
        if result.diagnostics:
            return pb.ImportResourceState.Response(diagnostics=_diagnostics(result.diagnostics))
        imported = pb.ImportResourceState.ImportedResource(
            type_name=request.type_name,
            state=_dynamic(result.new_state, cty_type),
            private=result.private,
        )
        return pb.ImportResourceState.Response(imported_resources=[imported])

    @_guarded(pb.ReadDataSource.Response)
    def ReadDataSource(self, request: Any, context: Any) -> Any:
        cty_type = self.emulator.data_source_type(request.type_name)
        result = self.emulator.read_data_source(
            request.type_name, _decode(request.config, cty_type)
        )
        return pb.ReadDataSource.Response(
            state=_dynamic(result.new_state, cty_type), diagnostics=_diagnostics(result.diagnostics)
        )

    def Stop(self, request: Any, context: Any) -> Any:
        return pb.Stop.Response()


def build_server(emulator: ProviderEmulator, address: str, on_shutdown: Callable[[], None]) -> Any:
    """An unstarted grpc.Server with the provider, go-plugin controller and health services."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    pb_grpc.add_ProviderServicer_to_server(ProviderService(emulator), server)  # type: ignore[no-untyped-call]

    def shutdown(_request: bytes, _context: Any) -> bytes:
        on_shutdown()
        return b""

    def health(_request: bytes, _context: Any) -> bytes:
        return _HEALTH_SERVING

    def raw(fn: Callable[[bytes, Any], bytes]) -> Any:
        return grpc.unary_unary_rpc_method_handler(
            fn, request_deserializer=lambda b: b, response_serializer=lambda b: b
        )

    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                "plugin.GRPCController", {"Shutdown": raw(shutdown)}
            ),
            grpc.method_handlers_generic_handler("grpc.health.v1.Health", {"Check": raw(health)}),
        )
    )
    server.add_insecure_port(address)
    return server
