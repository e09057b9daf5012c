import CLibXML2

/// A node of an `XMLDocument`; it keeps its document alive.
public struct XMLNode {
    let pointer: xmlNodePtr
    public let document: XMLDocument

    init(pointer: xmlNodePtr, document: XMLDocument) {
        self.pointer = pointer
        self.document = document
    }

    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    /// The local name (without prefix).
    public var name: String { String(xml: pointer.pointee.name) ?? "" }

    public var namespaceURI: String? {
        pointer.pointee.ns.flatMap { String(xml: $0.pointee.href) }
    }

    /// The 1-based line of the node's start in the parsed input.
    public var line: Int { Int(xmlGetLineNo(pointer)) }

    /// The XPath string value: the concatenated text of the node and its descendants.
    public var stringValue: String { String(contentOf: pointer) }

    /// The attribute without namespace called `name`.
    public func attribute(_ name: String) -> String? {
        Self.value(of: xmlHasNsProp(pointer, name, nil))
    }

    public func attribute(_ name: String, namespace: String) -> String? {
        Self.value(of: xmlHasNsProp(pointer, name, namespace))
    }

    private static func value(of attribute: xmlAttrPtr?) -> String? {
        guard let attribute else { return nil }
        // The usual case, a single text child, is read in place.
        if let text = attribute.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE {
            return String(xml: text.pointee.content) ?? ""
        }
        return String(contentOf: UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self))
    }

    /// The child elements, in document order.
    public var elements: [XMLNode] {
        var result: [XMLNode] = []
        var child = pointer.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(XMLNode(pointer: node, document: document)) }
            child = node.pointee.next
        }
        return result
    }

    /// The child elements called `name` in `namespace` (nil: no namespace).
    public func elements(_ name: String, namespace: String?) -> [XMLNode] {
        elements.filter { $0.is(name, namespace: namespace) }
    }

    public func element(_ name: String, namespace: String?) -> XMLNode? {
        var child = pointer.pointee.children
        while let node = child {
            let candidate = XMLNode(pointer: node, document: document)
            if candidate.isElement, candidate.is(name, namespace: namespace) { return candidate }
            child = node.pointee.next
        }
        return nil
    }

    public func `is`(_ name: String, namespace: String?) -> Bool {
        guard xmlStrEqual(pointer.pointee.name, name) != 0 else { return false }
        guard let ns = pointer.pointee.ns else { return namespace == nil }
        return namespace.map { xmlStrEqual(ns.pointee.href, $0) != 0 } ?? false
    }

    var parent: XMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLNode(pointer: parent, document: document)
    }

    /// An XPath that selects this element, written with the default prefixes (`hl7`, `sdtc`,
    /// `xsi`) so that `passerelle xpath` accepts it, e.g. `/hl7:ClinicalDocument/hl7:id[2]`.
    /// libxml2's `xmlGetNodePath` writes elements of a default namespace as `*`, which says little.
    public var path: String {
        var steps: [String] = []
        var current: XMLNode? = isElement ? self : parent
        while let node = current {
            let namespace = node.namespaceURI
            var step = switch namespace.flatMap({ XPathNamespaces.defaultPrefix(for: $0) }) {
            case let prefix?: "\(prefix):\(node.name)"
            case nil where namespace == nil: node.name
            case nil: "*[local-name()='\(node.name)']"
            }
            if let parent = node.parent {
                let siblings = parent.elements(node.name, namespace: namespace)
                if siblings.count > 1, let index = siblings.firstIndex(where: { $0.pointer == node.pointer }) {
                    step += "[\(index + 1)]"
                }
            }
            steps.append(step)
            current = node.parent
        }
        return "/" + steps.reversed().joined(separator: "/")
    }
}
