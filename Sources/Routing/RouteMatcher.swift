import HL7v2

/// What routing looks at in a message, read once.
public struct MessageFacts: Sendable, Hashable {
    /// MSH-9.1^MSH-9.2.
    public var messageType: String
    public var sendingApplication: String
    public var sendingFacility: String
    public var headers: [String: String]
    /// CDA sources: the templateId roots and the `code` of the document.
    public var templates: [String]
    public var documentCode: String

    public init(messageType: String, sendingApplication: String, sendingFacility: String, headers: [String: String],
                templates: [String] = [], documentCode: String = "") {
        self.messageType = messageType
        self.sendingApplication = sendingApplication
        self.sendingFacility = sendingFacility
        self.headers = headers
        self.templates = templates
        self.documentCode = documentCode
    }

    public init(_ message: HL7Message, headers: [String: String]) {
        let code = message.value(at: HL7Path(segment: "MSH", field: 9, component: 1)) ?? ""
        let trigger = message.value(at: HL7Path(segment: "MSH", field: 9, component: 2)) ?? ""
        self.init(messageType: trigger.isEmpty ? code : "\(code)^\(trigger)",
                  sendingApplication: message.value(at: HL7Path(segment: "MSH", field: 3, component: 1)) ?? "",
                  sendingFacility: message.value(at: HL7Path(segment: "MSH", field: 4, component: 1)) ?? "",
                  headers: headers)
    }

    /// For logs and dead-letter reasons: routing facts, never patient data.
    public var summary: String {
        templates.isEmpty && documentCode.isEmpty
            ? "message type \(messageType), application \(sendingApplication), facility \(sendingFacility)"
            : "document code \(documentCode), templates \(templates.joined(separator: " "))"
    }
}

extension Route.Match {
    public func matches(_ facts: MessageFacts) -> Bool {
        if let messageType, facts.messageType != messageType, !facts.messageType.hasPrefix(messageType + "^") { return false }
        if let sendingApplication, facts.sendingApplication != sendingApplication { return false }
        if let sendingFacility, facts.sendingFacility != sendingFacility { return false }
        if let template, !facts.templates.contains(template) { return false }
        if let documentCode, facts.documentCode != documentCode { return false }
        return headers.allSatisfy { facts.headers[$0.key] == $0.value }
    }
}

/// Routes by source topic; at most one route of a topic matches a message (checked at load).
public struct RouteTable: Sendable {
    private let byTopic: [String: [Route]]

    public init(_ routes: [Route]) {
        byTopic = Dictionary(grouping: routes, by: \.topic)
    }

    public var topics: [String] { byTopic.keys.sorted() }

    public func routes(for topic: String) -> [Route] { byTopic[topic] ?? [] }

    public func route(for topic: String, facts: MessageFacts) -> Route? {
        byTopic[topic]?.first { $0.match.matches(facts) }
    }
}
