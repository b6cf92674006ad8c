package io.stablegate.app.testing;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;

/** Reads a QR code back, as a payer's wallet would. */
public final class QrCodes {
  private QrCodes() {}

  public static String decode(byte[] image) throws IOException {
    return decode(ImageIO.read(new ByteArrayInputStream(image)));
  }

  public static String decode(BufferedImage image) {
    try {
      return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
          Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    } catch (NotFoundException | com.google.zxing.ChecksumException | com.google.zxing.FormatException e) {
      throw new AssertionError("no QR code readable in the image", e);
    }
  }
}
