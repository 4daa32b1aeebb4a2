import Foundation

// uniffi's own LocalizedError conformance describes an error by its enum case
// (`ClienteleError.Api(code: ..., ...)`, uniffi-rs#2356), so it is switched off in
// bindings-uniffi/uniffi.toml and provided here: `localizedDescription` is the readable message.
extension ClienteleError: LocalizedError, CustomStringConvertible, CustomReflectable {
    /// The stable machine code, from the core's one vocabulary (`errorCodes()`, each with its
    /// `kind()`): `validation_failed`, `unauthorized`, `not_found`, `rate_limited`,
    /// `server_error`, `decode_failed`, `timeout`, `network_error`, `aborted`, ...
    public var code: String {
        switch self {
        case .Validation(let code, _, _), .Api(let code, _, _, _, _, _, _, _, _, _),
            .Decode(let code, _, _, _, _), .Credentials(let code, _), .Config(let code, _),
            .Webhook(let code, _), .Signature(let code, _), .Challenge(let code, _),
            .Transport(let code, _, _, _), .Other(let code, _):
            return code
        }
    }

    /// The readable message; never contains secrets or personal data.
    public var message: String {
        switch self {
        case .Validation(_, let message, _), .Api(_, let message, _, _, _, _, _, _, _, _),
            .Decode(_, let message, _, _, _), .Credentials(_, let message), .Config(_, let message),
            .Webhook(_, let message), .Signature(_, let message), .Challenge(_, let message),
            .Transport(_, let message, _, _), .Other(_, let message):
            return message
        }
    }

    /// The field issues of a validation error (empty for every other error).
    public var issues: [Issue] {
        if case .Validation(_, _, let issues) = self { return issues }
        return []
    }

    /// The provider's message exactly as it sent it, personal data included, for an API error:
    /// for a deliberate look while debugging, never for logs or users. Every printed form of the
    /// error (`description`, `localizedDescription`, `providerMessage`) has it masked.
    public func unmaskedProviderMessage() -> String? {
        if case .Api(_, _, _, _, _, _, _, _, _, let unmasked) = self { return unmasked }
        return nil
    }

    /// What `dump` and debuggers show: the code, the readable message and the issues, never the
    /// unmasked provider text.
    public var customMirror: Mirror {
        Mirror(self, children: ["code": code, "message": message, "issues": issues], displayStyle: .enum)
    }

    /// The readable message (what `localizedDescription` shows).
    public var errorDescription: String? { message }
    /// The readable message.
    public var description: String { message }
}
