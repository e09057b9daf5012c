import Hummingbird

/// A fault to inject into one service's next requests, set through `POST /admin/faults`.
public struct FaultRule: Sendable, Codable, Hashable {
    /// The first path component of the service: `dsp`, `cre`, `rcp`, `eprescription`, `mpi`, `hpd`.
    public var service: String
    /// Delay before answering, e.g. longer than a client's timeout to make it time out.
    public var latencyMs: Int?
    /// Answer with this status (e.g. 503) instead of handling the request.
    public var status: Int?
    /// How many requests the rule applies to; nil: every request until the faults are cleared.
    public var count: Int?

    public init(service: String, latencyMs: Int? = nil, status: Int? = nil, count: Int? = nil) {
        self.service = service
        self.latencyMs = latencyMs
        self.status = status
        self.count = count
    }
}

/// The rules in force, one per service at most; each request to a service consumes one use.
actor FaultInjector {
    private var rules: [String: FaultRule] = [:]

    var active: [FaultRule] { rules.values.sorted { $0.service < $1.service } }

    func set(_ rule: FaultRule) { rules[rule.service] = rule }

    func clear() { rules = [:] }

    /// The rule for this request to `service`, if one is in force.
    func take(service: String) -> FaultRule? {
        guard var rule = rules[service] else { return nil }
        if let count = rule.count {
            rule.count = count - 1
            rules[service] = count > 1 ? rule : nil
        }
        return rule
    }
}

/// Applies the injected faults before the services see a request; the admin API and the
/// overview page are never faulted.
struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let faults: FaultInjector
    static var services: Set<String> { ["dsp", "cre", "rcp", "eprescription", "mpi", "hpd"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let service = request.uri.path.split(separator: "/").first.map(String.init) ?? ""
        guard Self.services.contains(service), let rule = await faults.take(service: service) else {
            return try await next(request, context)
        }
        if let latency = rule.latencyMs, latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        if let status = rule.status {
            return Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "injected fault \(status)\n")))
        }
        return try await next(request, context)
    }
}
