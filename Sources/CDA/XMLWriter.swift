/// A streaming XML writer: UTF-8 bytes appended as elements are started and ended, no tree.
/// Text and attribute values are escaped; characters XML 1.0 cannot carry at all (most C0
/// controls, U+FFFE, U+FFFF) become U+FFFD. Prefixes must be declared in scope before use and an
/// attribute may appear once per element, so the output is namespace-well-formed; the first
/// misuse is kept and thrown by `finish()`.
///
/// Rendering a document is a few hundred calls, each a few short strings, so the per-call cost is
/// what counts: names are checked and values escaped on their UTF-8 bytes in one pass, plain runs
/// are copied whole, and the output is a pointer into a buffer this writer owns, not an Array whose
/// generic append costs more than the copy itself for strings of ten bytes. A writer cannot be
/// copied, so no call has to check that it is the only owner of its buffers.
public struct XMLWriter: ~Copyable {
    /// The output, the open elements and the attribute names of the open start tag, in buffers
    /// that the hot paths index without Array's uniqueness and capacity checks.
    private var output: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Where each open element's name was written in the output (the end tag copies it from
    /// there), and how many namespace bindings the element declared.
    private var open: UnsafeMutablePointer<(name: Range<Int>, bindings: Int)>
    private var openCapacity = 32
    /// The attribute names of the open start tag (namespace declarations included), as ranges of
    /// the output.
    private var attributes: UnsafeMutablePointer<Range<Int>>
    private var attributeCapacity = 8
    /// How many elements are open (entries of `open`).
    private var depth = 0
    /// The declared prefixes in scope, back to back, and where each one ends (innermost last).
    private var prefixes: [UInt8] = Array("xml".utf8)
    private var prefixEnds: [Int] = [3]
    /// How many attribute names the open start tag has (entries of `attributes`).
    private var attributeCount = 0
    private var startTagIsOpen = false
    private var failure: XMLWriterError?

    public init(declaration: Bool = true, capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        output = .allocate(capacity: self.capacity)
        open = .allocate(capacity: openCapacity)
        attributes = .allocate(capacity: attributeCapacity)
        if declaration { append(#"<?xml version="1.0" encoding="UTF-8"?>"#) }
    }

    deinit {
        output.deallocate()
        open.deallocate()
        attributes.deallocate()
    }

    /// Starts element `name` (`prefix:local` or `local`), declaring `namespaces` on it
    /// (prefix → URI; the empty prefix is the default namespace).
    ///
    /// This and the other `String`-named calls are disfavoured so that a name written as a literal
    /// takes the `StaticString` overload, whose bytes need no bridging from a String.
    @_disfavoredOverload
    public mutating func start(_ name: String, namespaces: KeyValuePairs<String, String> = [:]) {
        withBytes(of: name) { startElement($0, bindings: namespaces.count) }
        if !namespaces.isEmpty { declare(namespaces) }
    }

    /// Starts element `name` (`prefix:local` or `local`), declaring nothing.
    public mutating func start(_ name: StaticString) {
        startElement(name)
    }

    /// Adds an attribute to the element just started.
    @_disfavoredOverload
    public mutating func attribute(_ name: String, _ value: String) {
        withBytes(of: name) { name in withBytes(of: value) { writeAttribute(name, $0) } }
    }

    public mutating func attribute(_ name: StaticString, _ value: String) {
        writeAttribute(name, value)
    }

    /// Adds an attribute whose value is UTF-8 bytes, e.g. a date formatted on the stack, without
    /// a String in between. Bytes that are not UTF-8 become U+FFFD, as `String(decoding:as:)`
    /// makes them.
    public mutating func attribute(_ name: StaticString, utf8 value: UnsafeBufferPointer<UInt8>) {
        guard Self.isASCII(value), name.hasPointerRepresentation else {
            return writeAttribute(name, String(decoding: value, as: UTF8.self))
        }
        writeAttribute(Self.bytes(of: name), value)
    }

    public mutating func text(_ value: String) {
        writeText(value)
    }

    /// Ends the innermost open element (`<x/>` when it has no content).
    public mutating func end() {
        endElement()
    }

    /// Writes markup made once as a fragment: its bytes copied whole, its open elements (and the
    /// attributes of the start tag it ends in) taken over as if written here.
    public mutating func write(_ fragment: XMLFragment) {
        guard failure == nil else { return }
        for prefix in fragment.prefixes {
            guard prefix.withUnsafeBufferPointer({ isBound($0) }) else {
                return fail(.undeclaredPrefix(String(decoding: prefix, as: UTF8.self), in: "a fragment"))
            }
        }
        closeStartTag()
        let base = count
        fragment.bytes.withUnsafeBufferPointer { append($0) }
        for name in fragment.openElements {
            if depth == openCapacity { growOpen() }
            open[depth] = (name.lowerBound &+ base..<name.upperBound &+ base, 0)
            depth &+= 1
        }
        guard let names = fragment.startTagAttributes else { return }
        startTagIsOpen = true
        attributeCount = 0
        for name in names {
            if attributeCount == attributeCapacity { growAttributes() }
            attributes[attributeCount] = name.lowerBound &+ base..<name.upperBound &+ base
            attributeCount &+= 1
        }
    }

    /// `<name attributes…>text</name>`, omitting nil attributes. Inlinable so that the caller's
    /// attribute literal is iterated in place rather than built as an array on the heap; one
    /// uniqueness check covers the whole element.
    @inlinable @_disfavoredOverload
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String? = nil) {
        startElement(name)
        for case let (key, value?) in attributes { writeAttribute(key, value) }
        if let text { writeText(text) }
        endElement()
    }

    @inlinable
    public mutating func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], text: String? = nil) {
        if attributes.isEmpty, let text { return textElement(name, text) }
        startElement(name)
        for case let (key, value?) in attributes { writeAttribute(key, value) }
        if let text { writeText(text) }
        endElement()
    }

    /// `<name>` and the texts one after another, then `</name>`: a cell whose text comes in parts
    /// (a value and its comparator) without joining them.
    public mutating func element(_ name: StaticString, texts: (String, String, String)) {
        textElement(name, texts.0, texts.1, texts.2)
    }

    /// `<name>texts</name>`, the most common element of a document (titles, names, table cells),
    /// written without opening it: the name is checked and copied twice, and nothing is kept for
    /// an end tag or attributes, which cost more than the element itself.
    @usableFromInline
    mutating func textElement(_ name: StaticString, _ first: String, _ second: String = "", _ third: String = "") {
        guard name.hasPointerRepresentation else {
            startElement(name)
            writeText(first)
            if !second.isEmpty { writeText(second) }
            if !third.isEmpty { writeText(third) }
            return endElement()
        }
        guard failure == nil else { return }
        let bytes = Self.bytes(of: name)
        guard let prefixLength = Self.prefixLength(ofQName: bytes) else { return fail(.invalidName(Self.string(bytes))) }
        if prefixLength > 0 {
            let prefix = UnsafeBufferPointer(rebasing: bytes[..<prefixLength])
            guard isBound(prefix) else { return fail(.undeclaredPrefix(Self.string(prefix), in: Self.string(bytes))) }
        }
        closeStartTag()
        reserve(bytes.count &+ 2)
        output[count] = UInt8(ascii: "<")
        Self.copy(bytes.baseAddress!, to: output + (count &+ 1), count: bytes.count)
        count &+= bytes.count &+ 1
        output[count] = UInt8(ascii: ">")
        count &+= 1
        escape(first, inAttribute: false)
        if !second.isEmpty { escape(second, inAttribute: false) }
        if !third.isEmpty { escape(third, inAttribute: false) }
        reserve(bytes.count &+ 3)
        output[count] = UInt8(ascii: "<")
        output[count &+ 1] = UInt8(ascii: "/")
        Self.copy(bytes.baseAddress!, to: output + (count &+ 2), count: bytes.count)
        count &+= bytes.count &+ 2
        output[count] = UInt8(ascii: ">")
        count &+= 1
    }

    @usableFromInline
    mutating func startElement(_ name: String) {
        withBytes(of: name) { startElement($0, bindings: 0) }
    }

    // A literal name's bytes are in the binary, reached without a closure; one written as a
    // single Unicode scalar is not stored as UTF-8 and goes the String way.

    @usableFromInline
    mutating func startElement(_ name: StaticString) {
        guard name.hasPointerRepresentation else { return startElement(name.description) }
        startElement(Self.bytes(of: name), bindings: 0)
    }

    @usableFromInline
    mutating func writeAttribute(_ name: String, _ value: String) {
        withBytes(of: name) { name in withBytes(of: value) { writeAttribute(name, $0) } }
    }

    @usableFromInline
    mutating func writeAttribute(_ name: StaticString, _ value: String) {
        guard name.hasPointerRepresentation else { return writeAttribute(name.description, value) }
        withBytes(of: value) { writeAttribute(Self.bytes(of: name), $0) }
    }

    @inline(__always)
    private static func bytes(of name: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
    }

    /// Writes `<name`; `bindings` is how many namespace declarations `declare` will add.
    /// This and `writeAttribute` are inlined into the few calls above: a call costs about as
    /// much as the work for a short name.
    @inline(__always)
    private mutating func startElement(_ name: UnsafeBufferPointer<UInt8>, bindings: Int) {
        guard failure == nil else { return }
        guard let prefixLength = Self.prefixLength(ofQName: name) else { return fail(.invalidName(Self.string(name))) }
        closeStartTag()
        reserve(name.count &+ 1)
        output[count] = UInt8(ascii: "<")
        let nameRange = count &+ 1..<count &+ 1 &+ name.count
        Self.copy(name.baseAddress!, to: output + nameRange.lowerBound, count: name.count)
        count = nameRange.upperBound
        if depth == openCapacity { growOpen() }
        open[depth] = (nameRange, bindings)
        depth &+= 1
        startTagIsOpen = true
        attributeCount = 0
        // The prefix of an element that declares namespaces may be one of them: `declare` checks it.
        if prefixLength > 0 && bindings == 0 { checkPrefix(of: nameRange, prefixLength: prefixLength) }
    }

    /// Declares `namespaces` on the element just started, then checks its prefix.
    private mutating func declare(_ namespaces: KeyValuePairs<String, String>) {
        guard failure == nil, depth > 0 else { return }
        let nameRange = open[depth - 1].name
        for (prefix, uri) in namespaces {
            let misuse = withBytes(of: prefix) { bytes -> XMLWriterError? in
                guard bytes.isEmpty || Self.prefixLength(ofQName: bytes) == 0 else { return .invalidName(prefix) }
                let nameStart = count + 1
                append(" xmlns")
                if !bytes.isEmpty {
                    append(UInt8(ascii: ":"))
                    append(bytes)
                }
                guard noteAttribute(nameStart..<count) else { return .duplicateAttribute(string(at: nameStart..<count)) }
                prefixes.append(contentsOf: bytes)
                prefixEnds.append(prefixes.count)
                return nil
            }
            if let misuse { return fail(misuse) }
            append(UInt8(ascii: "="), UInt8(ascii: "\""))
            escape(uri, inAttribute: true)
            append(UInt8(ascii: "\""))
        }
        let name = UnsafeBufferPointer(start: output + nameRange.lowerBound, count: nameRange.count)
        if let colon = name.firstIndex(of: UInt8(ascii: ":")) { checkPrefix(of: nameRange, prefixLength: colon) }
    }

    /// Fails unless the first `prefixLength` bytes of the element name written at `range` are a
    /// prefix in scope.
    private mutating func checkPrefix(of range: Range<Int>, prefixLength: Int) {
        let prefix = UnsafeBufferPointer(start: output + range.lowerBound, count: prefixLength)
        if !isBound(prefix) {
            fail(.undeclaredPrefix(String(decoding: prefix, as: UTF8.self), in: string(at: range)))
        }
    }

    /// Writes ` name="value"` into the open start tag.
    @inline(__always)
    private mutating func writeAttribute(_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        guard startTagIsOpen else { return fail(.attributeOutsideStartTag(Self.string(name))) }
        guard let prefixLength = Self.prefixLength(ofQName: name) else { return fail(.invalidName(Self.string(name))) }
        if prefixLength > 0 && !isBound(UnsafeBufferPointer(rebasing: name[..<prefixLength])) {
            return fail(.undeclaredPrefix(Self.string(UnsafeBufferPointer(rebasing: name[..<prefixLength])), in: Self.string(name)))
        }
        // The name and the markup around the value in one reservation.
        reserve(name.count &+ 4)
        let nameStart = count &+ 1
        output[count] = UInt8(ascii: " ")
        Self.copy(name.baseAddress!, to: output + nameStart, count: name.count)
        count = nameStart &+ name.count
        guard noteAttribute(nameStart..<count) else { return fail(.duplicateAttribute(Self.string(name))) }
        output[count] = UInt8(ascii: "=")
        output[count &+ 1] = UInt8(ascii: "\"")
        count &+= 2
        escape(value, inAttribute: true)
        append(UInt8(ascii: "\""))
    }

    @usableFromInline
    mutating func writeText(_ value: String) {
        guard failure == nil else { return }
        guard depth > 0 else { return fail(.textOutsideRoot) }
        closeStartTag()
        escape(value, inAttribute: false)
    }

    @usableFromInline
    mutating func endElement() {
        guard failure == nil else { return }
        guard depth > 0 else { return fail(.unbalancedEnd) }
        depth &-= 1
        let element = open[depth]
        if element.bindings > 0 {
            prefixEnds.removeLast(element.bindings)
            prefixes.removeLast(prefixes.count - prefixEnds[prefixEnds.count - 1])
        }
        if startTagIsOpen {
            append(UInt8(ascii: "/"), UInt8(ascii: ">"))
            startTagIsOpen = false
        } else {
            append(UInt8(ascii: "<"), UInt8(ascii: "/"))
            reserve(element.name.count)
            Self.copy(output + element.name.lowerBound, to: output + count, count: element.name.count)
            count += element.name.count
            append(UInt8(ascii: ">"))
        }
    }

    /// The document, once every element is closed.
    public consuming func finish() throws(XMLWriterError) -> [UInt8] {
        if let failure { throw failure }
        if depth > 0 { throw .unclosed(string(at: open[depth - 1].name)) }
        return Array(unsafeUninitializedCapacity: count) { copy, initialized in
            copy.baseAddress!.initialize(from: output, count: count)
            initialized = count
        }
    }

    /// What a fragment's writer (see `XMLFragment.init`) wrote, once it is checked.
    consuming func fragment(prefixes: [String]) throws(XMLWriterError) -> XMLFragment {
        if let failure { throw failure }
        // The prefixes assumed in scope are the writer's first bindings; one declared on an
        // element left open would have to stay in scope in every document it is written into.
        if let declaring = (0..<depth).first(where: { open[$0].bindings > 0 }) {
            throw .invalidFragment("element \(string(at: open[declaring].name)) declares namespaces and is left open")
        }
        return XMLFragment(bytes: Array(UnsafeBufferPointer(start: output, count: count)),
                           openElements: (0..<depth).map { open[$0].name },
                           startTagAttributes: startTagIsOpen ? (0..<attributeCount).map { attributes[$0] } : nil,
                           prefixes: prefixes.map { Array($0.utf8) })
    }

    /// Puts `prefix` in scope for the whole output, as a fragment's writer assumes its prefixes are.
    mutating func assumeInScope(prefix: String) {
        withBytes(of: prefix) { bytes in
            guard !bytes.isEmpty, Self.prefixLength(ofQName: bytes) == 0 else { return fail(.invalidName(prefix)) }
            prefixes.append(contentsOf: bytes)
            prefixEnds.append(prefixes.count)
        }
    }

    private mutating func fail(_ error: XMLWriterError) { failure = failure ?? error }

    @inline(__always)
    private mutating func closeStartTag() {
        if startTagIsOpen {
            append(UInt8(ascii: ">"))
            startTagIsOpen = false
        }
    }

    /// Records an attribute name just written at `range` of the output; false if the start tag
    /// already has it.
    @inline(__always)
    private mutating func noteAttribute(_ range: Range<Int>) -> Bool {
        for index in 0..<attributeCount {
            let other = attributes[index]
            if other.count == range.count && Self.equal(output + other.lowerBound, output + range.lowerBound, count: range.count) {
                return false
            }
        }
        if attributeCount == attributeCapacity { growAttributes() }
        attributes[attributeCount] = range
        attributeCount &+= 1
        return true
    }

    private static func equal(_ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>, count: Int) -> Bool {
        for offset in 0..<count where first[offset] != second[offset] { return false }
        return true
    }

    private func isBound(_ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        prefixes.withUnsafeBufferPointer { prefixes in
            for index in prefixEnds.indices.reversed() {
                let start = index == 0 ? 0 : prefixEnds[index - 1]
                if prefixEnds[index] - start == prefix.count
                    && (prefix.isEmpty || Self.equal(prefixes.baseAddress! + start, prefix.baseAddress!, count: prefix.count)) {
                    return true
                }
            }
            return false
        }
    }

    private func string(at range: Range<Int>) -> String {
        Self.string(UnsafeBufferPointer(start: output + range.lowerBound, count: range.count))
    }

    /// A name or value for an error message.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Whether every byte is below 0x80, eight at a time.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        var high: UInt64 = 0
        while offset &+ 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
        while offset < bytes.count {
            high |= UInt64(base[offset])
            offset &+= 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        capacity = max(2 * capacity, count + extra)
        output = Self.moved(output, count: count, to: capacity)
    }

    @inline(never)
    private mutating func growOpen() {
        openCapacity *= 2
        open = Self.moved(open, count: depth, to: openCapacity)
    }

    @inline(never)
    private mutating func growAttributes() {
        attributeCapacity *= 2
        attributes = Self.moved(attributes, count: attributeCount, to: attributeCapacity)
    }

    /// A buffer of `capacity` holding the first `count` elements of `buffer`, which is freed.
    private static func moved<Element>(_ buffer: UnsafeMutablePointer<Element>, count: Int,
                                       to capacity: Int) -> UnsafeMutablePointer<Element> {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        larger.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        return larger
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        output[count] = byte
        count &+= 1
    }

    /// Two bytes without a call to memcpy, for the markup around every name and value.
    @inline(__always)
    private mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        output[count] = first
        output[count &+ 1] = second
        count &+= 2
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        Self.copy(source, to: output + count, count: bytes.count)
        count += bytes.count
    }

    /// Most names and values are under 16 bytes: two overlapping loads and stores copy them
    /// without the call into memcpy, which costs more than the copy.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        switch count {
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        case 1..<4:
            for offset in 0..<count { target[offset] = source[offset] }
        default:
            target.initialize(from: source, count: count)
        }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    private mutating func escape(_ text: String, inAttribute: Bool) {
        withBytes(of: text) { escape($0, inAttribute: inAttribute) }
    }

    /// Inlined into each caller: most values need nothing, which is found out eight bytes at a
    /// time, and then copied whole.
    @inline(__always)
    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>, inAttribute: Bool) {
        let plain = Self.plainPrefixLength(bytes)
        if plain == bytes.count { return append(bytes) }
        escape(bytes, from: plain, inAttribute: inAttribute)
    }

    /// Escapes `bytes` from `index` on, the bytes before it being plain.
    @inline(never)
    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, inAttribute: Bool) {
        var index = index
        // Between space and '?', only " & < > may need a reference: one bit each, from 0x20.
        let special: UInt32 = 1 << (0x22 - 0x20) | 1 << (0x26 - 0x20) | 1 << (0x3C - 0x20) | 1 << (0x3E - 0x20)
        var runStart = 0
        while index < bytes.count {
            let byte = bytes[index]
            // Above '?' only U+FFFE and U+FFFF need replacing, and both start with 0xEF.
            let plain = byte >= 0x40 ? byte != 0xEF : byte >= 0x20 && special & 1 << (byte &- 0x20) == 0
            if plain {
                index &+= 1
                continue
            }
            let replacement: StaticString?
            var width = 1
            switch byte {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = inAttribute ? nil : "&gt;"
            case UInt8(ascii: "\""): replacement = inAttribute ? "&quot;" : nil
            // Kept as references so that attribute-value normalization and line-end
            // handling give the reader back the same characters.
            case 0x09: replacement = inAttribute ? "&#9;" : nil
            case 0x0A: replacement = inAttribute ? "&#10;" : nil
            case 0x0D: replacement = "&#13;"
            case ..<0x20: replacement = "\u{FFFD}"
            case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                replacement = "\u{FFFD}"
                width = 3
            default: replacement = nil
            }
            if let replacement {
                append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                append(replacement)
                runStart = index + width
            }
            index += width
        }
        append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    /// How many leading bytes of `bytes` certainly need no escaping, in whole words of eight
    /// (all of them when none does); `escape` looks at the rest byte by byte.
    @inline(__always)
    private static func plainPrefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        if bytes.count < 8 {
            // Short values (codes, units, numbers) as one word: the first and last four bytes,
            // or fewer bytes padded with a plain one.
            var word: UInt64 = 0x4141_4141_4141_4141
            if bytes.count >= 4 {
                word = UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: bytes.count &- 4, as: UInt32.self)) << 32
            } else {
                for index in 0..<bytes.count { word = word << 8 | UInt64(base[index]) }
            }
            return mayNeedEscaping(word) ? 0 : bytes.count
        }
        var index = 0
        while index &+ 8 <= bytes.count {
            if mayNeedEscaping(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return index }
            index &+= 8
        }
        // The last eight bytes, overlapping words already checked, instead of a byte loop.
        return mayNeedEscaping(raw.loadUnaligned(fromByteOffset: bytes.count &- 8, as: UInt64.self)) ? index : bytes.count
    }

    /// Whether a byte of `word` is below 0x20, one of " & < >, or 0xEF (the lead byte of U+FFFE and
    /// U+FFFF): exact per word, with the usual bit tricks (a byte is zero, a byte is below n).
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        // '"' (0x22) and '&' (0x26) differ only in bit 2, '<' (0x3C) and '>' (0x3E) only in bit 1.
        let quoteOrAmpersand = hasZeroByte((word | ones &* 0x04) ^ (ones &* 0x26))
        let angleBracket = hasZeroByte((word | ones &* 0x02) ^ (ones &* 0x3E))
        let nonCharacterLead = hasZeroByte(word ^ (ones &* 0xEF))
        return control | quoteOrAmpersand | angleBracket | nonCharacterLead != 0
    }

    /// For `local` or `prefix:local`, each part an XML name without colon, the length of the
    /// prefix (0 when there is none); nil for anything else. Non-ASCII letters are accepted
    /// without the full Unicode name tables.
    @inline(__always)
    private static func prefixLength(ofQName name: UnsafeBufferPointer<UInt8>) -> Int? {
        if isLetters(name) { return 0 }
        var colon = 0
        var partStart = true
        var offset = 0
        while offset < name.count {
            let byte = name[offset]
            // Letters first, with one comparison: most names are nothing else.
            if byte | 0x20 &- UInt8(ascii: "a") < 26 {
                partStart = false
                offset &+= 1
                continue
            }
            switch byte {
            case UInt8(ascii: "_"), 0x80...:
                partStart = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if partStart { return nil }
            case UInt8(ascii: ":"):
                if partStart || colon > 0 { return nil }
                colon = offset
                partStart = true
            default:
                return nil
            }
            offset &+= 1
        }
        return partStart ? nil : colon
    }

    /// Whether `name` is four or more ASCII letters, as most names are, checked a word at a time:
    /// the first and last four or eight bytes (overlapping), then the whole words between.
    @inline(__always)
    private static func isLetters(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = name.baseAddress, name.count >= 4 else { return false }
        let raw = UnsafeRawPointer(base)
        if name.count < 8 {
            let first = raw.loadUnaligned(as: UInt32.self)
            let last = raw.loadUnaligned(fromByteOffset: name.count &- 4, as: UInt32.self)
            return areLetters(UInt64(first) | UInt64(last) << 32)
        }
        var letters = areLetters(raw.loadUnaligned(fromByteOffset: name.count &- 8, as: UInt64.self))
        var offset = 0
        while letters && offset &+ 8 <= name.count {
            letters = areLetters(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset &+= 8
        }
        return letters
    }

    /// Whether every byte of `word` is an ASCII letter: lower-cased, none below 'a' or above 'z'.
    @inline(__always)
    private static func areLetters(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let lower = word | ones &* 0x20
        let belowA = (lower &- ones &* 0x61) & ~lower
        let aboveZ = (lower &+ ones &* (0x7F - 0x7A)) | lower
        return (belowA | aboveZ) & highs == 0
    }
}

/// Calls `body` with the UTF-8 bytes of `string`, in place when it is stored contiguously.
private func withBytes<Result>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
    var string = string
    return string.withUTF8(body)
}

public enum XMLWriterError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidName(String)
    case undeclaredPrefix(String, in: String)
    case attributeOutsideStartTag(String)
    case duplicateAttribute(String)
    case textOutsideRoot
    case unbalancedEnd
    case unclosed(String)
    case invalidFragment(String)

    public var description: String {
        switch self {
        case .invalidName(let name): "'\(name)' is not an XML name"
        case .undeclaredPrefix(let prefix, let name): "prefix '\(prefix)' of \(name) is not declared"
        case .attributeOutsideStartTag(let name): "attribute \(name) written after the element's content"
        case .duplicateAttribute(let name): "attribute \(name) written twice on one element"
        case .textOutsideRoot: "text outside the document element"
        case .unbalancedEnd: "end() with no open element"
        case .unclosed(let name): "element \(name) is not closed"
        case .invalidFragment(let reason): "not a fragment: \(reason)"
        }
    }
}
