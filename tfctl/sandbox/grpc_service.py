"""The Provider gRPC service over the emulator, as each real provider's SDK serves it.

Protocol 6 answers like terraform-plugin-framework (ClickHouse, clickhousedbops): real nested
attributes, server capabilities (destroys are planned by the provider), GetMetadata, an empty
identity schema map, write-only attributes refused to a Terraform that cannot handle them.
Protocol 5 answers like terraform-plugin-sdk v2.7 (Upstash): protocol 5.2 calls only, no server
capabilities, nested values as plain object types, `legacy_type_system` set on plans and applies.
Neither ever defers a change. go-plugin's controller and health services sit beside it.

Every RPC turns Python exceptions into diagnostics: Terraform shows an opaque gRPC error otherwise.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent import futures
from typing import Any

import grpc

from tfctl.sandbox.cty import (
    CtyError,
    CtyType,
    decode_json,
    decode_msgpack,
    encode_msgpack,
    type_json,
)
from tfctl.sandbox.emulator import (
    AttrPath,
    Diagnostic,
    ProviderEmulator,
    attribute_type,
    write_only_values,
)
from tfctl.sandbox.proto import protocol_modules

log = logging.getLogger(__name__)
_HEALTH_SERVING = b"\x08\x01"  # grpc.health.v1.HealthCheckResponse{status: SERVING}
_NESTING = {"single": "SINGLE", "list": "LIST", "set": "SET", "map": "MAP"}


# ---- schema ---------------------------------------------------------------------------------
def schema_message(
    pb: Any,
    attributes: Mapping[str, Any],
    blocks: Mapping[str, Any] | None = None,
    *,
    nested_attributes: bool,
    version: int = 0,
) -> Any:
    """A Schema message for a provider, resource or data source block.

    With `nested_attributes` (protocol 6) a nested attribute is a Schema.Object and its `type` is
    left empty; without (protocol 5) it is an attribute of the implied object type.
    """
    block = _block_message(pb, attributes, blocks or {}, nested_attributes, version=version)
    return pb.Schema(version=version, block=block)


def _block_message(
    pb: Any,
    attributes: Mapping[str, Any],
    blocks: Mapping[str, Any],
    nested_attributes: bool,
    *,
    version: int = 0,
    description: str = "",
) -> Any:
    message = pb.Schema.Block(version=version, description=description)
    for name in sorted(attributes):
        message.attributes.append(_attribute_message(pb, name, attributes[name], nested_attributes))
    for name in sorted(blocks):
        nested = blocks[name]
        message.block_types.append(
            pb.Schema.NestedBlock(
                type_name=name,
                block=_block_message(
                    pb,
                    nested.get("attributes", {}),
                    nested.get("blocks", {}),
                    nested_attributes,
                    description=nested.get("description", ""),
                ),
                nesting=getattr(pb.Schema.NestedBlock, _NESTING[nested["nesting"]]),
                min_items=int(nested.get("min_items", 0)),
                max_items=int(nested.get("max_items", 0)),
            )
        )
    return message


def _attribute_message(pb: Any, name: str, attr: Mapping[str, Any], nested_attributes: bool) -> Any:
    required = bool(attr.get("required"))
    nested = attr.get("nested")
    message = pb.Schema.Attribute(
        name=name,
        description=attr.get("description", ""),
        required=required,
        optional=not required and bool(attr.get("optional")),
        computed=not required and bool(attr.get("computed")),
        sensitive=bool(attr.get("sensitive")),
        deprecated=bool(attr.get("deprecated")),
        write_only=bool(attr.get("write_only")),
    )
    if isinstance(attr.get("deprecation_message"), str):
        message.deprecation_message = attr["deprecation_message"]
    if nested is not None and nested_attributes:
        message.nested_type.CopyFrom(
            pb.Schema.Object(
                attributes=[
                    _attribute_message(pb, inner, nested["attributes"][inner], True)
                    for inner in sorted(nested["attributes"])
                ],
                nesting=getattr(pb.Schema.Object, _NESTING[nested["nesting"]]),
            )
        )
    else:
        message.type = type_json(attribute_type(attr))
        # An object-typed attribute can only be sensitive as a whole.
        message.sensitive = message.sensitive or _has_sensitive_inner(attr)
    return message


def _has_sensitive_inner(attr: Mapping[str, Any]) -> bool:
    nested = attr.get("nested")
    if not nested:
        return False
    return any(a.get("sensitive") or _has_sensitive_inner(a) for a in nested["attributes"].values())


# ---- values and diagnostics -----------------------------------------------------------------
def _decode(value: Any, cty_type: CtyType) -> Any:
    if value is None:
        return None
    if value.msgpack:
        return decode_msgpack(value.msgpack, cty_type)
    if value.json:
        return decode_json(value.json, cty_type)
    return None


class _Provider:
    """What both protocols share; subclasses name the RPCs as their protocol does."""

    protocol = 0

    def __init__(self, emulator: ProviderEmulator) -> None:
        self.emulator = emulator
        self.pb, _services = protocol_modules(self.protocol)
        self._schema = self._build_schema()

    # -- helpers --
    def _build_schema(self) -> Any:
        em, pb = self.emulator, self.pb
        nested = self.protocol >= 6
        response = pb.GetProviderSchema.Response(
            provider=schema_message(
                pb, em.provider_attribute_flags(), em.provider_blocks, nested_attributes=nested
            )
        )
        for type_name, attrs in em.resources.items():
            response.resource_schemas[type_name].CopyFrom(
                schema_message(pb, attrs, em.resource_blocks[type_name], nested_attributes=nested)
            )
        for type_name, attrs in em.data_sources.items():
            response.data_source_schemas[type_name].CopyFrom(
                schema_message(
                    pb, attrs, em.data_source_blocks[type_name], nested_attributes=nested
                )
            )
        return response

    def _diagnostics(self, diags: Iterable[Diagnostic]) -> list[Any]:
        pb = self.pb
        out = []
        for d in diags:
            severity = pb.Diagnostic.ERROR if d.severity == "error" else pb.Diagnostic.WARNING
            # Protocol 5 attributes are whole objects: a path into one has nothing to point at.
            path = d.path if self.protocol >= 6 else d.path[:1]
            out.append(
                pb.Diagnostic(
                    severity=severity,
                    summary=d.summary,
                    detail=d.detail,
                    attribute=self._path(path) if path else None,
                )
            )
        return out

    def _path(self, path: AttrPath) -> Any:
        step = self.pb.AttributePath.Step
        steps = [
            step(element_key_int=s) if isinstance(s, int) else step(attribute_name=s) for s in path
        ]
        return self.pb.AttributePath(steps=steps)

    def _dynamic(self, value: Any, cty_type: CtyType) -> Any:
        return self.pb.DynamicValue(msgpack=encode_msgpack(value, cty_type))

    def _failure(self, response_name: str, err: Exception) -> Any:
        if isinstance(err, CtyError):
            diag = Diagnostic("Invalid value for the sandbox provider", str(err))
        else:
            log.debug("sandbox provider error: %s", traceback.format_exc())
            diag = Diagnostic(
                "Sandbox provider error",
                f"{type(err).__name__}: {err}. This is a bug in the tfctl sandbox emulator.",
            )
        return self._response(response_name)(diagnostics=self._diagnostics([diag]))

    def _response(self, name: str) -> Any:
        return getattr(self.pb, name).Response

    # -- calls both protocols make --
    def _schema_response(self) -> Any:
        return self._schema

    def _validate_provider(self, request: Any) -> list[Any]:
        config = _decode(request.config, self.emulator.provider_type())
        return self._diagnostics(self.emulator.validate_provider(config))

    def _validate_resource(self, request: Any) -> list[Any]:
        em = self.emulator
        config = _decode(request.config, em.resource_type(request.type_name))
        diags = em.validate_resource(request.type_name, config)
        return self._diagnostics(diags)

    def _validate_data_source(self, request: Any) -> list[Any]:
        em = self.emulator
        config = _decode(request.config, em.data_source_type(request.type_name))
        return self._diagnostics(em.validate_resource(request.type_name, config, data=True))

    def _configure(self, request: Any) -> list[Any]:
        config = _decode(request.config, self.emulator.provider_type())
        return self._diagnostics(self.emulator.configure(config))

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        try:
            cty_type = self.emulator.resource_type(request.type_name)
            if not request.raw_state.json:
                raise CtyError("state in the legacy flatmap format cannot be read by the sandbox")
            value = self.emulator.upgrade(
                request.type_name, decode_json(request.raw_state.json, cty_type)
            )
            return self.pb.UpgradeResourceState.Response(
                upgraded_state=self._dynamic(value, cty_type)
            )
        except Exception as err:
            return self._failure("UpgradeResourceState", err)

    def ReadResource(self, request: Any, context: Any) -> Any:
        try:
            cty_type = self.emulator.resource_type(request.type_name)
            state = _decode(request.current_state, cty_type)
            result = self.emulator.read(request.type_name, state, request.private)
            return self.pb.ReadResource.Response(
                new_state=self._dynamic(result.new_state, cty_type),
                private=result.private,
                diagnostics=self._diagnostics(result.diagnostics),
            )
        except Exception as err:
            return self._failure("ReadResource", err)

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        try:
            cty_type = self.emulator.resource_type(request.type_name)
            result = self.emulator.plan(
                request.type_name,
                _decode(request.prior_state, cty_type),
                _decode(request.proposed_new_state, cty_type),
                _decode(request.config, cty_type),
            )
            response = self.pb.PlanResourceChange.Response(legacy_type_system=self.protocol == 5)
            response.diagnostics.extend(self._diagnostics(result.diagnostics))
            if any(d.severity == "error" for d in result.diagnostics):
                return response
            response.planned_state.CopyFrom(self._dynamic(result.planned, cty_type))
            response.requires_replace.extend(self._path(p) for p in result.requires_replace)
            response.planned_private = request.prior_private
            return response
        except Exception as err:
            return self._failure("PlanResourceChange", err)

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        try:
            cty_type = self.emulator.resource_type(request.type_name)
            result = self.emulator.apply(
                request.type_name,
                _decode(request.prior_state, cty_type),
                _decode(request.planned_state, cty_type),
                request.planned_private,
            )
            return self.pb.ApplyResourceChange.Response(
                new_state=self._dynamic(result.new_state, cty_type),
                private=result.private,
                diagnostics=self._diagnostics(result.diagnostics),
                legacy_type_system=self.protocol == 5,
            )
        except Exception as err:
            return self._failure("ApplyResourceChange", err)

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        try:
            pb = self.pb
            cty_type = self.emulator.resource_type(request.type_name)
            result = self.emulator.import_state(request.type_name, request.id)
            if result.diagnostics:
                return pb.ImportResourceState.Response(
                    diagnostics=self._diagnostics(result.diagnostics)
                )
            imported = pb.ImportResourceState.ImportedResource(
                type_name=request.type_name,
                state=self._dynamic(result.new_state, cty_type),
                private=result.private,
            )
            return pb.ImportResourceState.Response(imported_resources=[imported])
        except Exception as err:
            return self._failure("ImportResourceState", err)

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        try:
            cty_type = self.emulator.data_source_type(request.type_name)
            result = self.emulator.read_data_source(
                request.type_name, _decode(request.config, cty_type)
            )
            return self.pb.ReadDataSource.Response(
                state=self._dynamic(result.new_state, cty_type),
                diagnostics=self._diagnostics(result.diagnostics),
            )
        except Exception as err:
            return self._failure("ReadDataSource", err)


class FrameworkProvider(_Provider):
    """tfplugin6.Provider as terraform-plugin-framework answers it."""

    protocol = 6

    def _build_schema(self) -> Any:
        response = super()._build_schema()
        response.server_capabilities.CopyFrom(self._capabilities())
        return response

    def _capabilities(self) -> Any:
        return self.pb.ServerCapabilities(
            plan_destroy=True, get_provider_schema_optional=True, move_resource_state=True
        )

    def GetMetadata(self, request: Any, context: Any) -> Any:
        pb = self.pb
        return pb.GetMetadata.Response(
            server_capabilities=self._capabilities(),
            resources=[
                pb.GetMetadata.ResourceMetadata(type_name=t) for t in self.emulator.resources
            ],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=t) for t in self.emulator.data_sources
            ],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:
        return self._schema_response()

    def GetResourceIdentitySchemas(self, request: Any, context: Any) -> Any:
        return self.pb.GetResourceIdentitySchemas.Response()

    def GetFunctions(self, request: Any, context: Any) -> Any:
        return self.pb.GetFunctions.Response()

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.ValidateProviderConfig.Response(
                diagnostics=self._validate_provider(request)
            )
        except Exception as err:
            return self._failure("ValidateProviderConfig", err)

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:
        try:
            diagnostics = self._validate_resource(request)
            if not request.client_capabilities.write_only_attributes_allowed:
                # Terraform before 1.11 would keep the value in state: the framework refuses it.
                em = self.emulator
                config = _decode(request.config, em.resource_type(request.type_name))
                paths = write_only_values(config, em.resource_block(request.type_name))
                diagnostics += self._diagnostics(
                    Diagnostic(
                        "WriteOnly Attribute Not Allowed",
                        f"The resource contains a non-null value for WriteOnly attribute "
                        f"{_dotted(path)}. Write-only attributes are only supported in Terraform "
                        "1.11 and later.",
                        path,
                    )
                    for path in paths
                )
            return self.pb.ValidateResourceConfig.Response(diagnostics=diagnostics)
        except Exception as err:
            return self._failure("ValidateResourceConfig", err)

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.ValidateDataResourceConfig.Response(
                diagnostics=self._validate_data_source(request)
            )
        except Exception as err:
            return self._failure("ValidateDataResourceConfig", err)

    def ConfigureProvider(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.ConfigureProvider.Response(diagnostics=self._configure(request))
        except Exception as err:
            return self._failure("ConfigureProvider", err)

    def MoveResourceState(self, request: Any, context: Any) -> Any:
        diag = Diagnostic(
            "Unable to Move Resource State",
            "The target resource implementation does not include support for moving resource "
            f"state from {request.source_provider_address} {request.source_type_name} to "
            f"{request.target_type_name}.",
        )
        return self.pb.MoveResourceState.Response(diagnostics=self._diagnostics([diag]))

    def StopProvider(self, request: Any, context: Any) -> Any:
        return self.pb.StopProvider.Response()


class SDKv2Provider(_Provider):
    """tfplugin5.Provider as terraform-plugin-sdk v2.7 answers it (protocol 5.2 calls only)."""

    protocol = 5

    def GetSchema(self, request: Any, context: Any) -> Any:
        return self._schema_response()

    def PrepareProviderConfig(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.PrepareProviderConfig.Response(
                prepared_config=request.config, diagnostics=self._validate_provider(request)
            )
        except Exception as err:
            return self._failure("PrepareProviderConfig", err)

    def ValidateResourceTypeConfig(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.ValidateResourceTypeConfig.Response(
                diagnostics=self._validate_resource(request)
            )
        except Exception as err:
            return self._failure("ValidateResourceTypeConfig", err)

    def ValidateDataSourceConfig(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.ValidateDataSourceConfig.Response(
                diagnostics=self._validate_data_source(request)
            )
        except Exception as err:
            return self._failure("ValidateDataSourceConfig", err)

    def Configure(self, request: Any, context: Any) -> Any:
        try:
            return self.pb.Configure.Response(diagnostics=self._configure(request))
        except Exception as err:
            return self._failure("Configure", err)

    def Stop(self, request: Any, context: Any) -> Any:
        return self.pb.Stop.Response()


def _dotted(path: AttrPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def provider_service(emulator: ProviderEmulator) -> Any:
    """The servicer for the emulator's protocol; calls it does not define are UNIMPLEMENTED."""
    impl: type[_Provider] = FrameworkProvider if emulator.protocol >= 6 else SDKv2Provider
    _messages, services = protocol_modules(impl.protocol)
    servicer_class = type(impl.__name__, (impl, services.ProviderServicer), {})
    return servicer_class(emulator)


def build_server(emulator: ProviderEmulator, address: str, on_shutdown: Callable[[], None]) -> Any:
    """An unstarted grpc.Server with the provider, go-plugin controller and health services."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    _messages, services = protocol_modules(6 if emulator.protocol >= 6 else 5)
    services.add_ProviderServicer_to_server(provider_service(emulator), server)

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
