import Foundation

// Test vectors made by the reference implementations, for the decoders in
// Inflate.swift and SnappyStream.swift. Plain texts are `CompressedVectors.sample(n)`.
//
// gzip: Python 3.11's zlib module (zlib 1.2.13) ran the program below.
// snappy: snappy-java 1.1.8.3 (Debian's libsnappy-java, the library Apache
// uses) ran SnappyVectors.java below, as
//   java -cp /usr/share/java/snappy-java.jar SnappyVectors.java
// Its `javagzip_3000` is java.util.zip.GZIPOutputStream, which Apache's gz
// snapshots use.

enum CompressedVectors {
    /// The plain text of every vector: numbered "key-NNNNN=M\n" lines, cut at `count` bytes.
    static func sample(_ count: Int) -> [UInt8] {
        var text: [UInt8] = []
        var index = 0
        while text.count < count {
            let digits = String(index)
            let line = "key-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + "=\((index * 7919) % 10007)\n"
            text += Array(line.utf8)
            index += 1
        }
        return Array(text.prefix(count))
    }

    static func bytes(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64) ?? Data()) }

    /// gzip files: (name, plain text length, base64). `two_members` holds
    /// sample(100) then sample(50); the others one member of sample(length).
    static let gzip: [(name: String, length: Int, base64: String)] = [
        ("stored_1000", 1000,
         "H4sIAAAAAAAEAwHoAxf8a2V5LTAwMDAwPTAKa2V5LTAwMDAxPTc5MTkKa2V5LTAwMDAyPTU4MzEKa2V5LTAwMDAzPTM3NDMKa2V5" +
         "LTAwMDA0PTE2NTUKa2V5LTAwMDA1PTk1NzQKa2V5LTAwMDA2PTc0ODYKa2V5LTAwMDA3PTUzOTgKa2V5LTAwMDA4PTMzMTAKa2V5" +
         "LTAwMDA5PTEyMjIKa2V5LTAwMDEwPTkxNDEKa2V5LTAwMDExPTcwNTMKa2V5LTAwMDEyPTQ5NjUKa2V5LTAwMDEzPTI4NzcKa2V5" +
         "LTAwMDE0PTc4OQprZXktMDAwMTU9ODcwOAprZXktMDAwMTY9NjYyMAprZXktMDAwMTc9NDUzMgprZXktMDAwMTg9MjQ0NAprZXkt" +
         "MDAwMTk9MzU2CmtleS0wMDAyMD04Mjc1CmtleS0wMDAyMT02MTg3CmtleS0wMDAyMj00MDk5CmtleS0wMDAyMz0yMDExCmtleS0w" +
         "MDAyND05OTMwCmtleS0wMDAyNT03ODQyCmtleS0wMDAyNj01NzU0CmtleS0wMDAyNz0zNjY2CmtleS0wMDAyOD0xNTc4CmtleS0w" +
         "MDAyOT05NDk3CmtleS0wMDAzMD03NDA5CmtleS0wMDAzMT01MzIxCmtleS0wMDAzMj0zMjMzCmtleS0wMDAzMz0xMTQ1CmtleS0w" +
         "MDAzND05MDY0CmtleS0wMDAzNT02OTc2CmtleS0wMDAzNj00ODg4CmtleS0wMDAzNz0yODAwCmtleS0wMDAzOD03MTIKa2V5LTAw" +
         "MDM5PTg2MzEKa2V5LTAwMDQwPTY1NDMKa2V5LTAwMDQxPTQ0NTUKa2V5LTAwMDQyPTIzNjcKa2V5LTAwMDQzPTI3OQprZXktMDAw" +
         "NDQ9ODE5OAprZXktMDAwNDU9NjExMAprZXktMDAwNDY9NDAyMgprZXktMDAwNDc9MTkzNAprZXktMDAwNDg9OTg1MwprZXktMDAw" +
         "NDk9Nzc2NQprZXktMDAwNTA9NTY3NwprZXktMDAwNTE9MzU4OQprZXktMDAwNTI9MTUwMQprZXktMDAwNTM9OTQyMAprZXktMDAw" +
         "NTQ9NzMzMgprZXktMDAwNTU9NTI0NAprZXktMDAwNTY9MzE1NgprZXktMDAwNTc9MTA2OAprZXktMDAwNTg9ODk4NwprZXktMDAw" +
         "NTk9Njg5OQprZXktMDAwNjA9NDgxMQprZXktMDAwNjE9MjcyMwprZXktMDAwNjI9NjM1CmtleS0wMDA2Mz04NTU0CmtleS0wMDA2" +
         "ND02NDY2CmtleS0wMDA2NT00Mzc4CmtleS0wMDA2Nj0yMjkwCmtlebnRGCnoAwAA"),
        ("fixed_3000", 3000,
         "H4sIAAAAAAAEA8tOrdQ1AAFbA65sKNvQ1tzS0BLONbI1tTA2hHONbY3NTYzhXBNbQzNTUzjX1NbS1NwEzjWzNTexMINzzW1NjS0t" +
         "4FwLW2NjQ4S9lraGRkZGMK6hga2loQncXkOgqwxM4fYaGtmaWJrB7TU0tjWyMDeHc01szS3gPjA0tbUwN4Bba2hma2ZmBLfW0NzW" +
         "xNQYYa2FrZGJCdwHhpa2xqZwDxgZ2FoYmcNtNTK0NTO0gNtqBHSTgSXcWiOgm4DOhnNNbC0tjeHWGpkCnWgCt9bIzNbU3BRurZG5" +
         "rbGZGcJeC1tDU3O4D4wsbS1NLOH2GhsAQ9kAbq+xITCUjeD2GhvZGhsZwwPO2NjW0NAE7gVjoKsMzOD2Gpvamlmaw+01NrM1sbCA" +
         "22tsDgxlA7gXjC1szQ3hPjC2tLUwQ6QTEwNbM1NEOjExtDUxQaQTEyNbI2MzuA9MgEFlDveAiYmthSEimZgA3WSISCYmQDcZIJKJ" +
         "ibmtoaUx3AMmFraWFohkYmJpa26OSCamBramZohkYmoIjFxEOjE1AoayAdwHpsbAUEakE1NgmjJGpBNTU1tTI0Q6MTWzNTZEJBRT" +
         "oKsMzOBeMLWwtbBEJBRTS1szC0RCMTMAhjIioZgZAgPDCO4FMyNbM2O4D8yMbS1MEenEzMTWzASRTsxMbU2MEenEzMzWyMgS7gMz" +
         "YPQZwD1gBnSTISKZmAHdZIBIJuYGtsaWiGRibmhraGEK94C5ka2lOSKZmBvbmpshkom5CTCUEcnE3BQYyoh0Ym5ma2hiBPeBubkt" +
         "MPoQ9gLTlBEinZhb2poaItKJBdBVBoiEYmEIzFJwH1gYAQMZkU4sjIGBjEgnFia2JuaIdGJhamsEDDk4F5j9TOEesDC3tTBBJBML" +
         "C2AMIJKJhSUwkBHJxNIAGMiGcA9YAkPKCO5+S6CbDBCpxNLY1tQSkUosTWyNLRCpxNLU1tDcAu4BSzNbSzNEKrE0BwYyIpVYWgBd" +
         "jEgllsByygSeTAyB5bmhsYk5nAsMKCN4MjEEFunmhvBkYggs0k0N4MnEEFikGxvA04khqEg3NIHzzGwtLODJxBBYopuZmyCstbA1" +
         "MTNFWGtpa2RqBvMBMA+D0jmcZwgMZHgqMTQEJXN4KjEEFugmRvBUAiyxbIFhDPcAsEQ3gTsfWJ6bW8LTiCGwPDe1MEdYCqxkzC0R" +
         "tgIrGXMDuPuBBbqlGTyRALODrbkpPJEAayNbUxN4IjEEFujGxvBUYggs0A2NzOEeMAKFEzyVGAILdHNDeCoBKgSGsSHCXmAtYwlP" +
         "JobAAt3CGO4DYHluYQ5PJYbA8hxYFcCtBZbnJqbwVGIILM+NTCzhPgCW5yYGcA8Ai3MLY3giAQagrZkRIpEAi3MTQ0QiARbnRsCi" +
         "Cc4FVjKWiEQCLM+BVSrcWmB5DnQE3FpgeW5sjkglwPLc0MwI7gNggW5pikglwAIdmGbg9gILdFNjRCoBFujGRohkAizQgZEG9wKw" +
         "QLc0RCQTYIFuboBIJsAC3cQSkUyABbqRBSKhmIKKKbgPgOW5hRkinQDLczNTRDoBlucmpoh0AizPjUwM4T4AlufGRnAPAItzCyNE" +
         "MgEW52aGiGQCLM5NDBDJBFicA+s2uAeA5bmlJSKZmIEaLohkAizPTc0RyQRYnhubIdIJsDwH+gLuA2CBbmmCSCfAAt3cGJFOgAW6" +
         "qREinQALdGMjREIBFujADAn3ArBAtzRAJBRggW5miUgo5qDch0gowALdyNwc7gVggW5mAfcBsDy3MEOkE2B5bmaKSCfA8tzEBJFO" +
         "gOU5sKUC9wGwQDcyhXsAWJ5bGCKSCbA8NzNAJBNgeW5siUgmwPLc0NIA7gFggQ4Mc4S1wErGHJFMgAW6qRkimQALdGCTD24vqEA3" +
         "MYf7AFiiWxoj0gmwRDc3RqQTYIluaoRIJ8ASHVimwQMOWKIDC1u4F4AluoUlIqEAS3QzC0RCAZboJubwhGIELNGNgJEA4wIAW1x6" +
         "K7gLAAA="),
        ("dynamic_3000", 3000,
         "H4sIAAAAAAACA0WWu40lVwxEfeUi4PJPGgxH1kSw2W81oCmutQQGKBb79On389+ff9/3b98/P///X7ZGhqNutAlHWys3jr6SERxj" +
         "J8o55pZ3cqwNm+bYayaXOyuq+jvK2xFnrmCrF8wVXZ9krthqV3H0rWYDie16jJXcTGWs1HrYxfaqOxvIrAUL6NvWYqrKpjRTFTu9" +
         "YaxiJ6zN0XfGGKuBFZ2xmhsVjNVay7zcXoliA50dH+baw5Ufc01wZWWu6ZoaD2e2Is4Khq1eMtdic4q5luvdzLXClR8rWG8JG9hs" +
         "53HibzOOE5d1P05cVy3ZwHGqYgH3bTlMHDvJYeLY6R0mXitjLOC904eJz1YdJvE28jAJwcM9TkJx5ccGYbjycRJgyo6TiA09TiLX" +
         "5EAJbPWSFaK350CJ2ewDJR+ufKCk4BjKCqmbxgZp23GcpG/6cZKxbsdJ5qoOGyQe32OBxE5ymCR2eodJvbU5TEpWOligdKcOk7Kt" +
         "PEzKceXDpAJXPk4qV1zZoGrx+C4XTOlxUrMhx0ljq3egtOCVYoNWHPk4acORj5P29TpOOlZxOY54/YIFurb9MOnGEzhMenDkw2Qe" +
         "jiwsMLiUcv/BTu8oGduYo2R8rY+SiZVqFpjcyaNkCkc+Sqax8VEy8JQTE4HPxbw44lBKTARKLyEmAqXHIyYCpdsjJ/IpXZxTbjcx" +
         "ERg9yy+21zMudlYjfxvgHf445yQ4MikR+TAnJQKhu5ISGGtxYxaA0Z3rw+c1ZETg8+i6UHxkai4VH5l63B9CnyQkeB22gpDga7Th" +
         "hEQgdDNSIhC6aLGAfnciJQKhl5AS/CFuLJeLr8wQE4HQ29gAPu8iJQKf41PAWPjcg5QIfK4+bACf+2MB6LyNkOCAm3qQQOcuBwl0" +
         "rlATR3xk5iCBz/FJZSx8jiUYC59bHSXwuaSyAYQ+cZRA6GCGuRB62FECoZseJhA6HhorQOgjhwmEXu8wgdB9DhMIXftAiU9TbACf" +
         "dx4n8HnGcQKfexwn8Lm6sAF8bsoC0HnrYQKdpxwm0Lm/wwQ6x7eNBeDzmcMkvx8uhwl8HnWYwOeWxwl8jhZsAKGPHycQetlxAqGH" +
         "HicQuumBAqHjhWQFCH3egQKh5xwo9b19BwqErlWsAKFnswF83nmcwOcZxwl87n6cwOf4pcIGELoGC8DnLYcJfJ7vMIHPbQ4T+Fzm" +
         "sQCEjptfLD4ydZhA6JGHCYSOn3zM/YTuxQYw+thxAqOXHScweuhxAqPDaTwcjA7ZsgKM3nOgwOjZBwqM7kVQFEZXPITf8S9bXHor" +
         "uAsAAA=="),
        ("empty", 0,
         "H4sIAAAAAAAAAwMAAAAAAAAAAAA="),
        ("two_members", 150,
         "H4sIAAAAAAAAAz3HsQ3AIAxE0Z5dIuHYh3Fx41AxAdujSNH96r+9ztO/2Nv+35hlJb7EdBOdnuFi0AYggoUMcTBjXnAZd3RkAAAA" +
         "H4sIAAAAAAAAA8tOrdQ1AAFbA65sKNvQ1tzS0BLONbI1tTA2hHMBwe63qTIAAAA="),
        ("all_header_fields", 200,
         "H4sIHwAQXl8CAwQAYWIAAHNuYXBzaG90LjUAYSBjb21tZW50AGkVRc67DcNQDEPRPrsEeNT3qeA4qTxBto8N2Iwqnurq+Hzf6zqu" +
         "13FvsAcjGnM7RKd3uBhEZYrJyQ6x2LFLbKbPFjfd8e8OYWYPsTgIdXF+tVJdGGNKXfwASQog1sgAAAA="),
        ("flushed_4000", 4000,
         "H4sIAAAAAAAAA0SUu40kUQwD/ctlgae/ZDCcsyaCzX51wC011sgii13dn7/fX+/fD+/P5/9/QY0MT0W0CU+DlRtPh2QEz8BEOc9E" +
         "eSfPQtg0z4aZXO5AVPX3lIcRZ65sqxfMFYVPMlcM2lU8HdUkkEDXY6wkMpWxUvCwi22oOwlkYEEAfWgtpqogpZmq2+kNY3U7bW2e" +
         "jhljrMZWdMZqIioYqwXLvNyGRJFAB+PDXHu78mOuya6szDWFqXE4M4g4EWxbvWSuBXKKuZbwbuZa7cqPCNYoIYENOs8Tf8g4T1zg" +
         "fp64Qi1J4DtVEcAdLaeJbyc5TXw7vdPECzJGAG9MnyY+qDpN4iHyNAnZh3uehO7KjwRhu/J5EuuUnScRCD1PImFyosS2ekmEaPSc" +
         "KDHIPlHy7conSsqOoURIRRoJ0tBxnqQj/TzJgNt5kgnVIUHu43sEyO0kp0lup3ea1IPNaVIC6SBAKaZOkzJUniblu/JpUrErnyeV" +
         "EFcSVGEf3+WuU3qe1CDkPOlt9U6Uln2lSNC6I58nbTvyedIOr/OkA7rL8dzXLwjQhfbTpHufwGnSsyOfJvN2ZCHA7FLK/rOd3lky" +
         "hpizZBzWZ8kEpJoAk5g8S6Z25LNkehufJbPfKacmst9zsR8AAAD//0WWu3EkUQwD/ctFVY9/0mA4si4CZX/YuhJo0tCC4PT0yOvP" +
         "3++fr/fkyY5mctQtqeZoG28eR197TznGjjin3G4zjrVZHhx7PeNiZzVyfkd56y2cZNsfU0U3TZgqtq7KWPFVMRaQwC9xyK1Jhkpt" +
         "dF1or9Vc6qzU4/76dlKZqrIVxlTVDXemqq1ZMFd9RYsF9HOnZq5iK9ydI7Z6crm9Osq76WwbG9jbrmCsyWYmY03XoxlrturDBubr" +
         "jwUs8LvKVMtNNaZarYtfLHZ6wQI2O3OQ+Nvqg8QFVz5IXHHlo8RtJZUN3HfiKPFYMMNczw07SrzW9DDxXjw0VnBsJYdJYKt3mISs" +
         "z2ESutoHSthWskH4dh4nEZtxnETiysdJFK4sbBCASlkg8PT0MMm3KYdJYqd3mKSuTLNAGq58mKTjyodJxkYdJplreZxkLVqwQfaO" +
         "Hyc5W3ac1NvQ46QEDQ6UwlZ4kThiq3eglG/OgVKft+9AqVytYoWCEpoNqnHl46QGVz5OGkbw46Rl1YwNGo8vWKBtWw6Txk7vMOlY" +
         "m8OkE1d+LNC1uPnF9lYdJj0beZjMW4vjZGTBJBuM7thxMmDKjpNxXPk4GWwlB8pgq2esMLU9B8o0DnegzKwXQdH3VvEQOEIKLznp" +
         "dpAThdDTyQke87qRE7zjq5rCEUuVccJOby4VO713qYMrExOF0PGQmiO+MkVMFEavJCbQ90YQE4XRzckJbrYwDhvA6WPkROH0Ur3c" +
         "3hC7XGz1CIr+dzonfGaanCiUjpeesVC6FznBBwdHFjaA0vHOcMKnz4mJwuhpean49GldLD59YPR3tM9OHLDSIyQKoccQErwAa01I" +
         "FELHC8f9YXR865gKo1ccJDA6hHCp0JQfJTA6PiYsAKOPHiUwOgzOXBg93lECo+scJjB6NxtA6N1HCYSedZRA6J5HCYSu4WwAoXuw" +
         "AHyODyFT4XP8JVPhc5eDBD4HgiwAoQvXh87xmBkKnUcfItC51TECnUOm3B8+nzhG4POKYwQ+Dz9G4HOzgwQ+xz8GLACf431hLnxe" +
         "7yCBz30OEvhc+zCBz/v9A/g9z36gDwAA"),
        ("javagzip_3000", 3000,
         "H4sIAAAAAAAA/0WWu40lVwxEfeUi4PJPGgxH1kSw2W81oCmutQQGKBb79On389+ff9/3b98/P///X7ZGhqNutAlHWys3jr6SERxj" +
         "J8o55pZ3cqwNm+bYayaXOyuq+jvK2xFnrmCrF8wVXZ9krthqV3H0rWYDie16jJXcTGWs1HrYxfaqOxvIrAUL6NvWYqrKpjRTFTu9" +
         "YaxiJ6zN0XfGGKuBFZ2xmhsVjNVay7zcXoliA50dH+baw5Ufc01wZWWu6ZoaD2e2Is4Khq1eMtdic4q5luvdzLXClR8rWG8JG9hs" +
         "53HibzOOE5d1P05cVy3ZwHGqYgH3bTlMHDvJYeLY6R0mXitjLOC904eJz1YdJvE28jAJwcM9TkJx5ccGYbjycRJgyo6TiA09TiLX" +
         "5EAJbPWSFaK350CJ2ewDJR+ufKCk4BjKCqmbxgZp23GcpG/6cZKxbsdJ5qoOGyQe32OBxE5ymCR2eodJvbU5TEpWOligdKcOk7Kt" +
         "PEzKceXDpAJXPk4qV1zZoGrx+C4XTOlxUrMhx0ljq3egtOCVYoNWHPk4acORj5P29TpOOlZxOY54/YIFurb9MOnGEzhMenDkw2Qe" +
         "jiwsMLiUcv/BTu8oGduYo2R8rY+SiZVqFpjcyaNkCkc+Sqax8VEy8JQTE4HPxbw44lBKTARKLyEmAqXHIyYCpdsjJ/IpXZxTbjcx" +
         "ERg9yy+21zMudlYjfxvgHf445yQ4MikR+TAnJQKhu5ISGGtxYxaA0Z3rw+c1ZETg8+i6UHxkai4VH5l63B9CnyQkeB22gpDga7Th" +
         "hEQgdDNSIhC6aLGAfnciJQKhl5AS/CFuLJeLr8wQE4HQ29gAPu8iJQKf41PAWPjcg5QIfK4+bACf+2MB6LyNkOCAm3qQQOcuBwl0" +
         "rlATR3xk5iCBz/FJZSx8jiUYC59bHSXwuaSyAYQ+cZRA6GCGuRB62FECoZseJhA6HhorQOgjhwmEXu8wgdB9DhMIXftAiU9TbACf" +
         "dx4n8HnGcQKfexwn8Lm6sAF8bsoC0HnrYQKdpxwm0Lm/wwQ6x7eNBeDzmcMkvx8uhwl8HnWYwOeWxwl8jhZsAKGPHycQetlxAqGH" +
         "HicQuumBAqHjhWQFCH3egQKh5xwo9b19BwqErlWsAKFnswF83nmcwOcZxwl87n6cwOf4pcIGELoGC8DnLYcJfJ7vMIHPbQ4T+Fzm" +
         "sQCEjptfLD4ydZhA6JGHCYSOn3zM/YTuxQYw+thxAqOXHScweuhxAqPDaTwcjA7ZsgKM3nOgwOjZBwqM7kVQFEZXPITf8S9bXHor" +
         "uAsAAA=="),
    ]

    /// SnappyOutputStream(out, 1024) of sample(5000): five 1 KiB blocks.
    static let stream1024of5000 =
        "glNOQVBQWQAAAAABAAAAAQAAAmSACBBrZXktMAEBCD0wChEMFDE9NzkxORUPFDI9NTgzMRUPFDM9Mzc0MxUPFDQ9MTY1NRUPFDU9" +
        "OTU3NBUPFDY9NzQ4NhUPFDc9NTM5OBUPEDg9MzMxGXgUOT0xMjIyER4UMTA9OTE0FXgUMTE9NzA1FXgUMTI9NDk2FXgYMTM9Mjg3" +
        "NxU8DDQ9NzgVwhQxNT04NzAVdxQxNj02NjIVdxQxNz00NTMZdxA4PTI0NBXCEDE5PTM1FcEUMjA9ODI3FXYUMjE9NjE4FXYUMjI9" +
        "NDA5FXcUMjM9MjAxFcEUMjQ9OTkzFXcUMjU9Nzg0FXcUMjY9NTc1FXcUMjc9MzY2GXgUOD0xNTc4Ed8YMjk9OTQ5NxEPFDMwPTc0" +
        "MBV4FDMxPTUzMhV4FDMyPTMyMzU5FDMzPTExNBXDFDM0PTkwNhV4FDM1PTY5NxV4FDM2PTQ4OBV4FDM3PTI4MBXDEDM4PTcxFcIQ" +
        "Mzk9ODZZKBQ0MD02NTQVdxA0MT00NFkoFDQyPTIzNhXCEDQzPTI3FcEQNDQ9ODFZJxg0NT02MTEwEe4QNDY9NDBZJxQ0Nz0xOTMV" +
        "wRA0OD05OFknFDQ5PTc3NhXuFDUwPTU2NxV3EDUxPTM1WSgUNTI9MTUwNTkQNTM9OTRZKBA1ND03M1koFDU1PTUyNBV4EDU2PTMx" +
        "WSkUNTc9MTA2NTkUNTg9ODk4GXgMOT02OFkpEDYwPTQ4WSkUNjE9MjcyNToQNjI9NjMVwhA2Mz04NVkoFDY0PTY0NjWwEDY1PTQz" +
        "WSgUNjY9MjI5NTpMNjc9MjAyCmtleS0wMDA2OD04MTIAAAJ2gAg8MQprZXktMDAwNjk9NjAzMxEPGDcwPTM5NDUVDxQxPTE4NTcV" +
        "DxQyPTk3NzYVDxQzPTc2ODgVDxQ0PTU2MDAVDxQ1PTM1MTIVDxQ2PTE0MjQVDxQ3PTkzNDMVDxA4PTcyNRl4EDk9NTE2FXgYODA9" +
        "MzA3OREtEDgxPTk5FcIUODI9ODkxFXcUODM9NjgyFXcUODQ9NDczFXcUODU9MjY0FcIQODY9NTUVwRQ4Nz04NDcZdhA4PTYzOBl2" +
        "EDk9NDMwFXcUOTA9MjIxFcEQOTE9MTIVwBQ5Mj04MDQVdhQ5Mz01OTUVdhQ5ND0zODYVdxQ5NT0xNzgVwRQ5Nj05NjkVdxQ5Nz03" +
        "NjEZdxA4PTU1Mhl3EDk9MzQzEXgYMTAwPTEzNBHCGDEwMT05MjYReBgxMDI9NzE3EXgcMTAzPTUwOTAtVhgxMDQ9MzAwMTkUMTA1" +
        "PTkxEcIUMTA2PTg4VScUMTA3PTY3VScYMTA4PTQ2NRl3EDk9MjU2EcIUMTEwPTQ4EcEUMTExPTg0VSYUMTEyPTYzVSYYMTEzPTQy" +
        "MhV3FDE0PTIxMxXBDDE1PTQVvxQxNj03OTYVdRAxNz01OFUkGDExOD0zNzkZdhA5PTE3MDE3FDEyMD05NlUlFDEyMT03NVUlFDEy" +
        "Mj01NFUlFDEyMz0zM1UmGDEyND0xMjc1NwAyIShVJhQxMjY9NzFVJhQxMjc9NTBVJhQxMjg9MjlVJxgxMjk9ODM3MYEQMzA9ODdV" +
        "JhQxMzE9NjZVJhgxMzI9NDU4FXcUMzM9MjQ5Na4QMzQ9NDA1NxAzNT04M1UlTDEzNj02MjM1CmtleS0wMDEzNz00AAACaIAIRDE0" +
        "NwprZXktMDAxMzg9MjA1ORUPFDk9OTk3OBEPGDQwPTc4OTAVDxQxPTU4MDIVDxQyPTM3MTQVDxQzPTE2MjYVDxQ0PTk1NDUVDxA1" +
        "PTc0NRV4FDQ2PTUzNhV4GDQ3PTMyODEVLRQ4PTExOTMVDxA5PTkxMRV4FDUwPTcwMhV4FDUxPTQ5MxV4FDUyPTI4NBXDEDUzPTc2" +
        "FcIUNTQ9ODY3FXcUNTU9NjU5FXcUNTY9NDUwFXcUNTc9MjQxFcIQNTg9MzIVwRQ1OT04MjQVdhQ2MD02MTUVdhQ2MT00MDcVdxQ2" +
        "Mj0xOTgVwRg2Mz05OTAxEd8UNjQ9NzgxFXcUNjU9NTcyFXcUNjY9MzYzFXgUNjc9MTU0FcIUNjg9OTQ2GXgQOT03MzgVeBQ3MD01" +
        "MjkVeBQ3MT0zMjA1ORQ3Mj0xMTEVwxQ3Mz05MDMVeBA3ND02OVkpEDc1PTQ4WSkUNzY9Mjc3FcMQNzc9NjgVwhA3OD04NlkoEDc5" +
        "PTY1WSgQODA9NDRZKBQ4MT0yMzMVwhA4Mj0yNRXBEDgzPTgxWScQODQ9NjBZJxQ4NT0zOTkVdxQ4Nj0xOTAVwRA4Nz05OFknEDg4" +
        "PTc3WScQODk9NTZZJxg5MD0zNTYwMZMUOTE9MTQ3NTkQOTI9OTNZKBA5Mz03M1koEDk0PTUyWSgQOTU9MzFZKRQ5Nj0xMDM1sRg5" +
        "Nz04OTU4FWkMOD02OFkpFDk5PTQ3OBF4HDIwMD0yNjk0DS0UMjAxPTYwMbAUMjAyPTg1VSgUMjAzPTY0VSgUMjA0PTQzVSg0MjA1" +
        "PTIyNjEKa2V5LTAAAAJdgAhYMDIwNj0xNzMKa2V5LTAwMjA3PTgwOTIVDxQ4PTYwMDQVDxQ5PTM5MTYRDxgxMD0xODI4FQ8UMT05" +
        "NzQ3FQ8UMj03NjU5FQ8UMz01NTcxFQ8QND0zNDgVeBgxNT0xMzk1FR4QNj05MzEVeBQxNz03MjIZeBA4PTUxMxl4FDk9MzA1MBE8" +
        "FDIwPTk2MhUOEDE9ODg4FXcUMjI9Njc5FXcUMjM9NDcwFXcUMjQ9MjYxFcIQMjU9NTIVwRQyNj04NDQVdhQyNz02MzYZdhA4PTQy" +
        "Nxl3EDk9MjE4FcEAMwGUEZMUMzE9ODAxFXUUMzI9NTkyFXUUMzM9MzgzFXYUMzQ9MTc1FcAUMzU9OTY3FXYUMzY9NzU4FXYUMzc9" +
        "NTQ5GXYQOD0zNDAZeBA5PTEzMRXBFDQwPTkyMxV4FDQxPTcxNBV4FDQyPTUwNhV4EDQzPTI5WScQNDQ9ODgVwhA0NT04OFkmEDQ2" +
        "PTY3WSYQNDc9NDZZJhQ0OD0yNTQVwhA0OT00NRXBEDUwPTgzWSUQNTE9NjJZJRA1Mj00MVklFDUzPTIxMBXBDDU0PTEVvxA1NT03" +
        "OVkjEDU2PTU4WSMQNTc9MzdZJBQ1OD0xNjc1NxQ1OT05NTlVJBA2MD03NVkkEDYxPTU0WSQUNjI9MzMyFXgUNjM9MTI0NTcQNjQ9" +
        "OTFZJRA2NT03MFklEDY2PTQ5WSUUNjc9Mjg5Na8UNjg9ODA4UTUUNjk9ODcyFe0UNzA9NjYzFXcQNzE9NDVZJhQ3Mj0yNDYVwhA3" +
        "Mz0zNzWuMDc0PTgyOTQKa2V5LTAAAAIziAdcMDI3NT02MjA2CmtleS0wMDI3Nj00MTE4FQ8UNz0yMDMwFQ8UOD05OTQ5FQ8UOT03" +
        "ODYxEQ8YODA9NTc3MxUPFDE9MzY4NRUPFDI9MTU5NxUPEDM9OTUxFXgUODQ9NzQyFXgUODU9NTM0FXgYODY9MzI1MhU8FDc9MTE2" +
        "NBUPEDg9OTA4GXgQOT02OTkVeBQ5MD00OTAVeBQ5MT0yODEVwxA5Mj03MxXCFDkzPTg2NRV3FDk0PTY1NhV3FDk1PTQ0NxV3FDk2" +
        "PTIzOBXCEDk3PTI5FcEUOTg9ODIxGXYQOT02MTIRdhgzMDA9NDA0EXcYMzAxPTE5NRHBGDMwMj05ODcRdxgzMDM9Nzc4EXcYMzA0" +
        "PTU2ORF3GDMwNT0zNjAReBgzMDY9MTUyEcIYMzA3PTk0Mxl4EDg9NzM1GXgUOT01MjYzLUgYMzEwPTMxNzE5GDMxMT0xMDgRwxQz" +
        "MTI9OTBVKRQzMTM9NjlVKRgzMTQ9NDgzFXgYMTU9Mjc0MhVaDDY9NjUVwhAxNz04NVUoFDMxOD02NFUoGDMxOT00MzkVdxQyMD0y" +
        "MzAVwhAyMT0yMhXBFDIyPTgxNBV2EDIzPTYwVScUMzI0PTM5VScYMzI1PTE4NzU5EDI2PTk3VScUMzI3PTc3VScUMzI4PTU2VScU" +
        "MzI5PTM1VSgcMzMwPTE0NDMR3xAzMT05M1UoFDMzMj03MlUoFDMzMz01MVUoFDMzND0zMFUpGDMzNT0xMDE="

    /// Two streams one after the other: sample(300), then sample(200).
    static let concatenated300and200 =
        "glNOQVBQWQAAAAABAAAAAQAAALysAhBrZXktMAEBCD0wChEMFDE9NzkxORUPFDI9NTgzMRUPFDM9Mzc0MxUPFDQ9MTY1NRUPFDU9" +
        "OTU3NBUPFDY9NzQ4NhUPFDc9NTM5OBUPEDg9MzMxGXgUOT0xMjIyER4UMTA9OTE0FXgUMTE9NzA1FXgUMTI9NDk2FXgYMTM9Mjg3" +
        "NxU8DDQ9NzgVwhQxNT04NzAVdxQxNj02NjIVdxQxNz00NTMZdxA4PTI0NBXCLDE5PTM1NgprZXktMIJTTkFQUFkAAAAAAQAAAAEA" +
        "AACDyAEQa2V5LTABAQg9MAoRDBQxPTc5MTkVDxQyPTU4MzEVDxQzPTM3NDMVDxQ0PTE2NTUVDxQ1PTk1NzQVDxQ2PTc0ODYVDxQ3" +
        "PTUzOTgVDxA4PTMzMRl4FDk9MTIyMhEeFDEwPTkxNBV4FDExPTcwNRV4PDEyPTQ5NjUKa2V5LTAwMDE="

    /// SnappyOutputStream of nothing: the header alone.
    static let emptyStream = "glNOQVBQWQAAAAABAAAAAQ=="

    /// Snappy.compress(sample(5000)): one raw block.
    static let raw5000 =
        "iCcQa2V5LTABAQg9MAoRDBQxPTc5MTkVDxQyPTU4MzEVDxQzPTM3NDMVDxQ0PTE2NTUVDxQ1PTk1NzQVDxQ2PTc0ODYVDxQ3PTUz" +
        "OTgVDxA4PTMzMRl4FDk9MTIyMhEeFDEwPTkxNBV4FDExPTcwNRV4FDEyPTQ5NhV4GDEzPTI4NzcVPAw0PTc4FcIUMTU9ODcwFXcU" +
        "MTY9NjYyFXcUMTc9NDUzGXcQOD0yNDQVwhAxOT0zNRXBFDIwPTgyNxV2FDIxPTYxOBV2FDIyPTQwORV3FDIzPTIwMRXBFDI0PTk5" +
        "MxV3FDI1PTc4NBV3FDI2PTU3NRV3FDI3PTM2Nhl4EDg9MTU3FcIUMjk9OTQ5FXgUMzA9NzQwFXgUMzE9NTMyFXgUMzI9MzIzNTkU" +
        "MzM9MTE0FcMUMzQ9OTA2FXgUMzU9Njk3FXgUMzY9NDg4FXgUMzc9MjgwFcMQMzg9NzEVwhAzOT04NlkoEDQwPTY1WSgQNDE9NDRZ" +
        "KBQ0Mj0yMzYVwhA0Mz0yNxXBEDQ0PTgxWScUNDU9NjExFXYQNDY9NDBZJxQ0Nz0xOTMVwRA0OD05OFknFDQ5PTc3NhXuEDUwPTU2" +
        "WScQNTE9MzVZKBQ1Mj0xNTA1ORA1Mz05NFkoEDU0PTczWSgQNTU9NTJZKBA1Nj0zMVkpFDU3PTEwNjU5EDU4PTg5WSkQNTk9NjhZ" +
        "KRA2MD00OFkpFDYxPTI3MjWxEDYyPTYzFcIQNjM9ODVZKBA2ND02NFkoEDY1PTQzWSgUNjY9MjI5NToQNjc9MjA1sBA2OD04MVkn" +
        "EDY5PTYwWScQNzA9MzlZJxQ3MT0xODU1sBA3Mj05N1knEDczPTc2WScQNzQ9NTZZJxA3NT0zNVkoFDc2PTE0MjWxEDc3PTkzWSgQ" +
        "Nzg9NzJZKBA3OT01MVkoEDgwPTMwWSkQODE9OTk1sBA4Mj04OVkoEDgzPTY4WSgQODQ9NDdZKBQ4NT0yNjRV6RA4Nj01NTWvEDg3" +
        "PTg0WScQODg9NjNZJxA4OT00M1knGDkwPTIyMTORexA5MT0xMjWvEDkyPTgwWSYQOTM9NTlZJhA5ND0zOFkmFDk1PTE3ODWvEDk2" +
        "PTk2WSYQOTc9NzZZJhA5OD01NVkmEDk5PTM0VScYMTAwPTEzNDGwFDEwMT05MlUnFDEwMj03MVUnFDEwMz01MFUnFDEwND0zMFUo" +
        "ADGh0wAxMa8UMTA2PTg4VScUMTA3PTY3VScUMTA4PTQ2VScYMTA5PTI1NnHYBDExRegtKRQxMTE9ODRVJgQxMUHnVSYUMTEzPTQy" +
        "VSYYMTE0PTIxMzGvEDExNT00Ma4UMTE2PTc5VSQUMTE3PTU4VSQUMTE4PTM3VSUYMTE5PTE3MDGuFDEyMD05NlUlFDEyMT03NVUl" +
        "FDEyMj01NFUlFDEyMz0zM1UmGDEyND0xMjcxrxQxMjU9OTFVJhQxMjY9NzFVJhQxMjc9NTBVJhQxMjg9MjlVJxQxMjk9ODM1rhAz" +
        "MD04N1UmFDEzMT02NlUmFDEzMj00NVUmGDEzMz0yNDlx1hQxMzQ9NDA1rhAzNT04M1UlFDEzNj02MlklEDM3PTQxWSUUMzg9MjA1" +
        "Na4UMzk9OTk3NWYENDDhUxXuEDQxPTU4WSUQNDI9MzdZJhQ0Mz0xNjI1rxA0ND05NVkmEDQ1PTc0WSYQNDY9NTNZJhQ0Nz0zMjhV" +
        "JxQ0OD0xMTk1sRA0OT05MVknEDUwPTcwWScQNTE9NDlZJxA1Mj0yOFkpADWBpxXCEDU0PTg2WSgQNTU9NjVZKBA1Nj00NVkoFDU3" +
        "PTI0MXHXFDE1OD0zMjWwEDU5PTgyWScQNjA9NjFZJxA2MT00MFknFDYyPTE5ODWwEDYzPTk5WScANg65CFknEDY1PTU3WScQNjY9" +
        "MzZZKBQ2Nz0xNTQ1sRA2OD05NFkoEDY5PTczWSgQNzA9NTJZKBA3MT0zMlkpFDcyPTExMTWxEDczPTkwWSkQNzQ9NjlZKQA3YX5Z" +
        "KRQ3Nj0yNzc1sRA3Nz02ODWwEDc4PTg2WSgQNzk9NjVZKBA4MD00NFkoFDgxPTIzM1VzEDgyPTI1NbAQODM9ODFZJxA4ND02MFkn" +
        "EDg1PTM5WScUODY9MTkwNbAQODc9OThZJxA4OD03N1knEDg5PTU2WScUOTA9MzU2FXih0QQ0NzWxEDkyPTkzWSgQOTM9NzNZKBA5" +
        "ND01MlkoEDk1PTMxWSkUOTY9MTAzNbEQOTc9ODlZKRA5OD02OFkpEDk5PTQ3VSkYMjAwPTI2OXHaFDIwMT02MDGwFDIwMj04NVUo" +
        "FDIwMz02NFUoFDIwND00M1UoGDIwNT0yMjYxsBQyMDY9MTcxsBQyMDc9ODBVJxQyMDg9NjBVJxQyMDk9MzlVJxgyMTA9MTgyMbAU" +
        "MjExPTk3VScUMjEyPTc2VScUMjEzPTU1VScUMjE0PTM0VSgYMjE1PTEzOTGxFDIxNj05M1UoFDIxNz03MlUoFDIxOD01MVUoADIO" +
        "pAsAMFUpADKp1M1nFDIyMT04OFUoFDIyMj02N1UoFDIyMz00N1UoGDIyND0yNjFx2QQyMg7kCTGvFDIyNj04NFUnFDIyNz02M1Un" +
        "FDIyOD00MlUnGDIyOT0yMTg1rwAzwWgRkxAzMT04MFUlFDIzMj01OVUlFDIzMz0zOFUlGDIzND0xNzU1rhAzNT05NlUlFDIzNj03" +
        "NVklEDM3PTU0WSUQMzg9MzRZJhQzOT0xMzE1rxA0MD05MlkmEDQxPTcxWSYQNDI9NTBZJg6iCwA5WScOowsAODWuEDQ1PTg4WSYQ" +
        "NDY9NjdZJhA0Nz00NlkmFDQ4PTI1NHFfFDI0OT00NTWuBDUw4QkV7hA1MT02MlklEDUyPTQxWSUUNTM9MjEwNa4INTQ9IrYOFDI1" +
        "NT03OVkjEDU2PTU4WSMUNTc9Mzc2GXYMOD0xNiK2DhQyNTk9OTVZJBA2MD03NVkkEDYxPTU0WSQQNjI9MzNZJRA2Mz0xMiK2DhQy" +
        "NjQ9OTFZJRA2NT03MFklEDY2PTQ5WSUANg5fDQA5VScOoQsitg4UMjY5PTg3WSYQNzA9NjZZJhA3MT00NVkmFDcyPTI0NnXVADcO" +
        "tA81rhA3ND04MlklEDc1PTYyWSUQNzY9NDFZJRA3Nz0yMCK2DhQyNzg9OTlZJRA3OT03OFklEDgwPTU3WSUQODE9MzZZJgA4Dl8N" +
        "IrYOFDI4Mz05NVkmEDg0PTc0WSYQODU9NTNZJhQ4Nj0zMjU1sRA4Nz0xMSK2DhQyODg9OTBZJxA4OT02OVknEDkwPTQ5WScQOTE9" +
        "MjhZKQw5Mj03IrYOFDI5Mz04NlkoEDk0PTY1WSgQOTU9NDRZKBA5Nj0yMyLeEBAyOTc9MiK2DhQyOTg9ODJZJxA5OT02MVUnCDMw" +
        "MA6nCVHoFDMwMT0xOSK2DhQzMDI9OThVJxQzMDM9NzdVJwQzMA5fDVUnFDMwNT0zNlUoADOhzwA1IrYOFDMwNz05NFUoFDMwOD03" +
        "M1UoFDMwOT01MlUoFDMxMD0zMVUpGDMxMT0xMDhxYBQzMTI9OTBVKRQzMTM9NjlVKRQzMTQ9NDhVKRQzMTU9Mjci3xAAMw50ESK2" +
        "DhQzMTc9ODVVKBQzMTg9NjRVKAQzMQ5gDVUoGDMyMD0yMzCxhggzMjEObw2tSxQzMjI9ODFVJxQzMjM9NjBVJxQzMjQ9MzlVJxQz" +
        "MjU9MTgitg4UMzI2PTk3VScUMzI3PTc3VScUMzI4PTU2VScEMzIOCBJVKBQzMzA9MTQitg4UMzMxPTkzVSgUMzMyPTcyVSgUMzMz" +
        "PTUxVSgEMzMOYA1VKRgzMzU9MTAx"

    /// Snappy.compress of 300 bytes (i * 37 + 11): one long literal.
    static let rawLiteral300 =
        "rAL0BQELMFV6n8TpDjNYfaLH7BE2W4Clyu8UOV6DqM3yFzxhhqvQ9Ro/ZImu0/gdQmeMsdb7IEVqj7TZ/iNIbZK33AEmS3CVut8E" +
        "KU5zmL3iByxRdpvA5QovVHmew+gNMld8ocbrEDVaf6TJ7hM4XYKnzPEWO2CFqs/0GT5jiK3S9xxBZouw1fofRGmOs9j9Ikdskbbb" +
        "ACVKb5S53gMoTXKXvOEGK1B1mr/kCS5TeJ3C5wwxVnugxeoPNFl+o8jtEjdcgabL8BU6X4SpzvMYPWKHrNH2G0Bliq/U+R5DaI2y" +
        "1/whRmuQtdr/JEluk7jdAidMcZa74AUqT3SZvuMILVJ3nMHmCzBVep/ElgAB"
}

/* gzvec.py
import zlib, base64, struct
def sample(n):
    s = []; i = 0; total = 0
    while total < n:
        line = "key-%05d=%d\n" % (i, (i * 7919) % 10007); s.append(line); total += len(line); i += 1
    return "".join(s)[:n].encode()
def gz(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, 31, 8, strategy)
    return c.compress(data) + c.flush()
def b(x): return base64.b64encode(x).decode()
out = {}
out["stored_1000"] = gz(sample(1000), level=0)
out["fixed_3000"] = gz(sample(3000), strategy=zlib.Z_FIXED)
out["dynamic_3000"] = gz(sample(3000), level=9)
out["empty"] = gz(b"")
out["two_members"] = gz(sample(100)) + gz(sample(50))
# Header with every optional field: FTEXT|FHCRC|FEXTRA|FNAME|FCOMMENT
raw = gz(sample(200))
body = raw[10:]
hdr = bytes([0x1f, 0x8b, 8, 0x1f]) + struct.pack("<I", 0x5f5e1000) + bytes([2, 3])
hdr += struct.pack("<H", 4) + b"ab\x00\x00" + b"snapshot.5\x00" + b"a comment\x00"
hdr += struct.pack("<H", zlib.crc32(hdr) & 0xffff)
out["all_header_fields"] = hdr + body
# Multiple blocks: a flush between halves makes a sync-flush empty stored block then a new block
c = zlib.compressobj(6, zlib.DEFLATED, 31)
d = sample(4000)
x = c.compress(d[:1500]) + c.flush(zlib.Z_FULL_FLUSH) + c.compress(d[1500:]) + c.flush()
out["flushed_4000"] = x
for k, v in out.items():
    print(k, len(v), b(v))
*/

/* SnappyVectors.java
import java.io.*;
import java.util.Base64;
import org.xerial.snappy.*;

public class SnappyVectors {
    // Same text as `sample(n)` in the Swift tests.
    static byte[] sample(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < n; i++) b.append(String.format("key-%05d=%d\n", i, (i * 7919) % 10007));
        return b.substring(0, n).getBytes();
    }
    static String stream(byte[] data, int blockSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SnappyOutputStream s = new SnappyOutputStream(out, blockSize)) { s.write(data); }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
    public static void main(String[] args) throws Exception {
        byte[] a = sample(5000);
        System.out.println("stream1024_5000 " + stream(a, 1024));
        byte[] b = sample(300);
        ByteArrayOutputStream cat = new ByteArrayOutputStream();
        cat.write(Base64.getDecoder().decode(stream(b, 1024)));
        cat.write(Base64.getDecoder().decode(stream(sample(200), 1024)));
        System.out.println("concat_300_200 " + Base64.getEncoder().encodeToString(cat.toByteArray()));
        System.out.println("empty " + stream(new byte[0], 1024));
        // raw blocks
        System.out.println("raw_5000 " + Base64.getEncoder().encodeToString(Snappy.compress(a)));
        byte[] big = new byte[70000];
        long x = 1;
        for (int i = 0; i < big.length; i++) { x = (x * 6364136223846793005L + 1442695040888963407L); big[i] = (byte) ((x >>> 60) & 3); }
        byte[] rb = Snappy.compress(big);
        System.out.println("raw_quaternary_70000_len " + rb.length);
        byte[] lit = new byte[300];
        for (int i = 0; i < lit.length; i++) lit[i] = (byte) (i * 37 + 11);
        System.out.println("raw_literal_300 " + Base64.getEncoder().encodeToString(Snappy.compress(lit)));
        // Apache's GZIP output stream, for comparison
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream s = new java.util.zip.GZIPOutputStream(g)) { s.write(sample(3000)); }
        System.out.println("javagzip_3000 " + Base64.getEncoder().encodeToString(g.toByteArray()));
    }
}
*/
