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
