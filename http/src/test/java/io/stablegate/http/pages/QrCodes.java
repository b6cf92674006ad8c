package io.stablegate.http.pages;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Reads a QR code back, as a payer's wallet would.
 *
 * <p>First as a camera scanner does, finding the code's three finder patterns anywhere in the image. ZXing's
 * finder sometimes takes a run of data modules for a finder pattern and then finds no code, or samples a wrong
 * grid (about one code in 300 of random EIP-681 URIs, each perfectly drawn); for an image that holds the code alone, as the
 * server's PNG and a screenshot of it do, ZXing's own answer is its pure-barcode mode, which reads the modules
 * from the quiet zone's edge. Either way the text must decode with valid error correction.
 */
public final class QrCodes {
  private QrCodes() {}

  public static String decode(byte[] image) throws IOException {
    return decode(ImageIO.read(new ByteArrayInputStream(image)));
  }

  public static String decode(BufferedImage image) {
    BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
    try {
      return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    } catch (ReaderException asScanned) {
      try {
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
      } catch (ReaderException asPure) {
        AssertionError unreadable = new AssertionError("no QR code readable in the image", asPure);
        unreadable.addSuppressed(asScanned);
        throw unreadable;
      }
    }
  }
}
