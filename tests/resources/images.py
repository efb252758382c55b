"""Images for the tests: made with Pillow, the same way every time."""

import io

from PIL import Image

# EXIF tags: GPS information, the camera's make, the orientation.
GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 110, 180)).save(out, "PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A few dozen bytes of PNG that declare a canvas of width × height (a
    decompression bomb): the header only, with an empty image stream."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def jpeg_with_gps(size: tuple[int, int] = (800, 600), *, orientation: int = 1) -> bytes:
    """A photo as a phone takes it: EXIF with the camera, where it was taken (Kielce)."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[MAKE] = "GWD-Phone"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 52.0, 12.0), 3: "E", 4: (20.0, 37.0, 48.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
