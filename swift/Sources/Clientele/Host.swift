import Foundation

/// What only the host can tell the core: the platform it runs on. The core decides what follows
/// (the `User-Agent` it builds, where a server secret may go).
enum Host {
    /// Where the clients run: `.app` inside an iOS, iPadOS, tvOS, watchOS or visionOS app (Mac
    /// Catalyst included), `.server` anywhere else (macOS and Linux tools and servers).
    /// Task-local so the tests can simulate an app on Linux (`Host.$placement.withValue(.app)`);
    /// nothing else sets it.
    @TaskLocal static var placement: Placement = platformPlacement

    static var platformPlacement: Placement {
        #if os(iOS) || os(tvOS) || os(watchOS) || os(visionOS) || targetEnvironment(macCatalyst)
            return .app
        #else
            return .server
        #endif
    }

    /// The compiler's version, as `swift/<major>.<minor>` (the runtime part of the `User-Agent`;
    /// not the language mode, which `#if swift` would give). Compile-time: Swift has no runtime
    /// query for it.
    static var runtime: String {
        #if compiler(>=6.3)
            return "swift/6.3"
        #elseif compiler(>=6.2)
            return "swift/6.2"
        #elseif compiler(>=6.1)
            return "swift/6.1"
        #elseif compiler(>=6.0)
            return "swift/6.0"
        #elseif compiler(>=5.10)
            return "swift/5.10"
        #else
            return "swift/5.9"
        #endif
    }

    /// The operating system and its version, e.g. `iOS 17.4.1`, `macOS 14.4.0`, `Linux 6.1.0`.
    static var os: String {
        #if targetEnvironment(macCatalyst)
            let name = "Mac Catalyst"
        #elseif os(iOS)
            let name = "iOS"
        #elseif os(macOS)
            let name = "macOS"
        #elseif os(tvOS)
            let name = "tvOS"
        #elseif os(watchOS)
            let name = "watchOS"
        #elseif os(visionOS)
            let name = "visionOS"
        #elseif os(Linux)
            let name = "Linux"
        #elseif os(Windows)
            let name = "Windows"
        #else
            let name = "unknown"
        #endif
        let v = ProcessInfo.processInfo.operatingSystemVersion
        return "\(name) \(v.majorVersion).\(v.minorVersion).\(v.patchVersion)"
    }

    /// Who a client is, for every request it sends: the core's `User-Agent` (naming `app` when
    /// given) and the retry counter header.
    static func identity(app: AppInfo?) -> Identity {
        Identity(userAgent: userAgent(host: "swift", runtime: runtime, os: os, app: app), retryHeader: true)
    }
}

/// The listener of a client's events (request sent, response received, request failed, retry
/// scheduled), as the core's engine reports them: header values masked, no body, no secret or
/// personal data. Called on the calling task after each step of a call; what it throws is
/// ignored, so a listener can never break a call.
public typealias EventListener = @Sendable (Event) throws -> Void

/// Hands the events of a call to the client's listener.
struct EventSink: Sendable {
    let listener: EventListener?

    func deliver(_ events: [Event]) {
        guard let listener else { return }
        for event in events {
            // A listener's failure is its own: the call goes on, and so do the other events.
            try? listener(event)
        }
    }
}
