import CustodyCore
import Testing

@testable import CameraVolumes

@Suite struct NameTests {
    @Test func shortNamesHonourTheLowerCaseFlagsAndCodePage437() {
        #expect(Names.shortName(ArraySlice(Array("README  TXT".utf8)), caseFlags: 0x08) == Array("readme.TXT".utf8))
        #expect(Names.shortName(ArraySlice(Array("README  TXT".utf8)), caseFlags: 0x18) == Array("readme.txt".utf8))
        #expect(Names.shortName(ArraySlice(Array("NOEXT      ".utf8)), caseFlags: 0) == Array("NOEXT".utf8))
        #expect(Names.shortName(ArraySlice([0x05] + Array("BC     TXT".utf8)), caseFlags: 0) == Array("σBC.TXT".utf8))
    }

    @Test func utf16NamesBecomeUTF8AndLoneSurrogatesSurvive() {
        #expect(Names.utf8(fromUTF16: Array("录像 01.mp4".utf16)) == Array("录像 01.mp4".utf8))
        #expect(Names.utf8(fromUTF16: Array("😀".utf16)) == Array("😀".utf8))
        #expect(Names.utf8(fromUTF16: [0x61, 0xd800, 0x62]) == [0x61, 0xed, 0xa0, 0x80, 0x62])
    }

    @Test func namesThatWouldChangeAPathAreRefused() {
        #expect(Names.problem(with: Array("a/b".utf8)) != nil)
        #expect(Names.problem(with: Array("..".utf8)) != nil)
        #expect(Names.problem(with: []) != nil)
        #expect(Names.problem(with: Array("ok.mp4".utf8)) == nil)
    }
}
