import Foundation
import HL7v2
import Yams

extension Field {
    /// Identifiers chosen by assigning authority from a repeating CX field:
    /// `{ path: PID-3, authority: { not: [1.3.182.4.4] }, default_authority: OID }` appends every
    /// matching repetition, its system the authority's OID (else `default_authority`).
    static func identifiers(_ keyPath: WritableKeyPath<Root, [Canonical.Identifier]> & Sendable) -> Field {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let entries = try compiler.entries(node, key: rule, known: ["path", "authority", "default_authority", "when"])
            guard let pathEntry = entries.first(where: { $0.key == "path" }) else { throw compiler.error(node, rule, "needs path (a CX field, e.g. PID-3)") }
            let path = try compiler.path(pathEntry.node, "\(rule).path")
            guard path.component == nil else { throw compiler.error(pathEntry.node, "\(rule).path", "give the CX field (e.g. PID-3), not a component") }
            let filter = try entries.first { $0.key == "authority" }.map { entry throws(MappingLoadError) in
                try compiler.authorityFilter(entry.node, "\(rule).authority")
            } ?? .any
            let fallback = try entries.first { $0.key == "default_authority" }.map { entry throws(MappingLoadError) in
                try compiler.text(entry.node, "\(rule).default_authority")
            }
            let when = try entries.first { $0.key == "when" }.map { entry throws(MappingLoadError) in
                try compiler.condition(entry.node, "\(rule).when")
            }
            return { root, cursor throws(MappingRunError) in
                if let when {
                    do throws(EvaluationFailure) { guard try when.holds(cursor) else { return } } catch { throw cursor.failure(rule, at: error.path, error.message) }
                }
                for found in cursor.identifiers(path, matching: filter) {
                    property.modify(&root) { $0.append(Canonical.Identifier(system: found.authority ?? fallback, value: found.value)) }
                    cursor.assignments += 1
                }
            }
        }
    }

    /// A typed observation value: `{ type: OBX-2, value: OBX-5, unit: OBX-6.1 }` reads the value
    /// field as its HL7 data type says (NM, SN, CE/CWE, DT/TS, text types; anything else as text).
    static func observationValue(_ keyPath: WritableKeyPath<Root, Canonical.ObservationValue?> & Sendable) -> Field {
        let property = StoredProperty(keyPath)
        return Field { compiler, node, rule throws(MappingLoadError) in
            let entries = try compiler.entries(node, key: rule, known: ["type", "value", "unit", "system_names", "when"])
            guard let valueEntry = entries.first(where: { $0.key == "value" }) else {
                throw compiler.error(node, rule, "needs value (the HL7 field, e.g. OBX-5)")
            }
            let field = try compiler.path(valueEntry.node, "\(rule).value")
            guard field.component == nil else { throw compiler.error(valueEntry.node, "\(rule).value", "give the whole field (e.g. OBX-5); its data type says how to split it") }
            func optional(_ key: String) throws(MappingLoadError) -> Expression? {
                try entries.first { $0.key == key }.map { entry throws(MappingLoadError) in try compiler.expression(entry.node, "\(rule).\(key)") }
            }
            let type = try optional("type"), unit = try optional("unit")
            let systems = try entries.first { $0.key == "system_names" }.map { entry throws(MappingLoadError) in
                try compiler.lookup(entry.node, "\(rule).system_names").0
            }
            let when = try entries.first { $0.key == "when" }.map { entry throws(MappingLoadError) in
                try compiler.condition(entry.node, "\(rule).when")
            }
            return { root, cursor throws(MappingRunError) in
                do throws(EvaluationFailure) {
                    if let when, !(try when.holds(cursor)) { return }
                    let reader = HL7ValueReader(field: field, segment: cursor.segment(of: field), systems: systems)
                    let kind = try type?.withUTF8(cursor) { HL7ValueReader.Kind(type: $0) } ?? .text
                    guard let value = reader.read(kind, unit: try unit?.evaluate(cursor), in: cursor) else { return }
                    property.modify(&root) { $0 = value }
                    cursor.assignments += 1
                } catch {
                    throw cursor.failure(rule, at: error.path ?? field, error.message)
                }
            }
        }
    }
}

/// Reads one HL7 field as a typed observation value. The cursor is passed to each call rather
/// than held: copying it retained every array it holds, per observation.
struct HL7ValueReader {
    let field: HL7Path
    /// The segment `field` is read in, located once for all its components.
    let segment: Int?
    let systems: CodeTable?

    /// How a value of an HL7 data type (OBX-2) is read.
    enum Kind {
        case numeric, structuredNumeric, coded, dateTime
        /// Text types (ST, TX, FT…), any other type, and no type.
        case text

        private static let names: [(StaticString, Kind)] = [
            ("NM", .numeric), ("SN", .structuredNumeric), ("CE", .coded), ("CWE", .coded), ("CNE", .coded), ("CF", .coded),
            ("CD", .coded), ("DT", .dateTime), ("TS", .dateTime), ("DTM", .dateTime),
        ]

        /// The kind of a type given as UTF-8, in any case.
        init(type: UnsafeBufferPointer<UInt8>?) {
            guard let type else { self = .text; return }
            if type.allSatisfy({ $0 < 0x80 }) {
                self = Self.named(type)
            } else {
                // Unicode case mapping can turn other characters into ASCII letters (ſ into S).
                var upper = String(decoding: type, as: UTF8.self).uppercased()
                self = upper.withUTF8(Self.named)
            }
        }

        /// The kind a type name matches, ignoring the case of ASCII letters.
        private static func named(_ type: UnsafeBufferPointer<UInt8>) -> Kind {
            names.first { name, _ in
                name.utf8CodeUnitCount == type.count
                    && zip(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), type).allSatisfy { letter, byte in
                        letter == (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 0x20 : byte)
                    }
            }?.1 ?? .text
        }
    }

    func read(_ kind: Kind, unit: String?, in cursor: Cursor) -> Canonical.ObservationValue? {
        func component(_ number: Int) -> String? {
            guard let segment else { return nil }
            return cursor.message.presentValue(inSegment: segment, field: field.field, component: number)
        }
        switch kind {
        case .numeric:
            guard let segment else { return nil }
            return cursor.message.presentUTF8(inSegment: segment, field: field.field, component: 1)
                .withUTF8(in: cursor.message.storage) { $0.map { ValueParsing.numeric(bytes: $0, unit: unit) } }
        case .structuredNumeric:
            return ValueParsing.structuredNumeric(comparator: component(1), first: component(2), separator: component(3),
                                                  second: component(4), unit: unit)
        case .coded:
            guard component(1) != nil || component(2) != nil else { return nil }
            let name = component(3)
            return .coded(Canonical.Coding(code: component(1), system: name.flatMap { systems?.displays.dictionary[$0] },
                                           systemName: name, display: component(2)))
        case .dateTime:
            guard let text = component(1) else { return nil }
            return Canonical.DateTime(hl7: text).map(Canonical.ObservationValue.dateTime) ?? .text(text)
        case .text:
            // Every repetition, formatting rendered, one per line.
            let lines = cursor.texts(field)
            return lines.isEmpty ? nil : .text(lines.joined(separator: "\n"))
        }
    }
}
