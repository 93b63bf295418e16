import Foundation

/// Parses ISO 6709 point strings as cameras and QuickTime write them (`+37.7749-122.4194+010.000/`),
/// in decimal degrees, degrees-minutes (`+3746.49`) or degrees-minutes-seconds (`+374629.6`) form.
enum ISO6709 {
    /// The location in `text`, or nil when it is not an ISO 6709 point.
    static func parse(_ text: String) -> MediaMetadataLocation? {
        var numbers: [(sign: Double, integerDigits: Int, value: Double)] = []
        var scalars = Substring(text.trimmingCharacters(in: .whitespaces)).unicodeScalars[...]
        while let first = scalars.first, first == "+" || first == "-" {
            scalars = scalars.dropFirst()
            let body = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            scalars = scalars.dropFirst(body.count)
            let string = String(String.UnicodeScalarView(body))
            guard let value = Double(string), !string.isEmpty else { return nil }
            let integerDigits = string.split(separator: ".", omittingEmptySubsequences: false)[0].count
            numbers.append((first == "-" ? -1 : 1, integerDigits, value))
            if numbers.count == 3 { break }
        }
        guard numbers.count >= 2 else { return nil }
        guard let latitude = degrees(numbers[0].value, integerDigits: numbers[0].integerDigits, degreeDigits: 2),
            let longitude = degrees(numbers[1].value, integerDigits: numbers[1].integerDigits, degreeDigits: 3)
        else { return nil }
        let lat = numbers[0].sign * latitude
        let lon = numbers[1].sign * longitude
        guard (-90...90).contains(lat), (-180...180).contains(lon) else { return nil }
        let altitude = numbers.count == 3 ? numbers[2].sign * numbers[2].value : nil
        return MediaMetadataLocation(latitude: lat, longitude: lon, altitude: altitude)
    }

    /// Degrees from a value whose integer part has `integerDigits` digits: DD, DDMM or DDMMSS.
    private static func degrees(_ value: Double, integerDigits: Int, degreeDigits: Int) -> Double? {
        switch integerDigits - degreeDigits {
        case 0: return value
        case 2:
            let degrees = (value / 100).rounded(.down)
            return degrees + (value - degrees * 100) / 60
        case 4:
            let degrees = (value / 10000).rounded(.down)
            let minutes = ((value - degrees * 10000) / 100).rounded(.down)
            return degrees + minutes / 60 + (value - degrees * 10000 - minutes * 100) / 3600
        default: return nil
        }
    }
}

/// A parsed point, before it is paired with its raw text.
struct MediaMetadataLocation: Equatable {
    var latitude: Double
    var longitude: Double
    var altitude: Double?
}
