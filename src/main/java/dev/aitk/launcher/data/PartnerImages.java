package dev.aitk.launcher.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;

/** The partner images that must be converted rather than copied: Flex.2 inpaint images and grayscale masks. */
final class PartnerImages {

    private PartnerImages() {
    }

    /** An 8-bit grayscale mask with the values ai-toolkit's loader would see (white = full loss weight). */
    static BufferedImage grayMask(BufferedImage mask) {
        BufferedImage out = new BufferedImage(mask.getWidth(), mask.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] gray = ImageFiles.luminance(mask);
        System.arraycopy(gray, 0, ((DataBufferByte) out.getRaster().getDataBuffer()).getData(), 0, gray.length);
        return out;
    }

    /**
     * An RGBA image whose alpha is the inverted mask: white (the hole) becomes alpha 0. ai-toolkit's Flex.2 model
     * (extensions_built_in/diffusion_models/flex2, Flex2.condition_noisy_latents) takes only the alpha channel of
     * {@code inpaint_path} images, with "1 being keep area and 0 being area to inpaint", and the data loader
     * (InpaintControlFileItemDTOMixin.load_inpaint_image) skips any image whose mode is not RGBA.
     */
    static BufferedImage inpaintImage(BufferedImage color, BufferedImage mask) throws IOException {
        int w = color.getWidth();
        int h = color.getHeight();
        if (mask.getWidth() != w || mask.getHeight() != h) {
            throw new IOException("the mask is " + mask.getWidth() + "x" + mask.getHeight() + " but the image is " + w + "x" + h);
        }
        int[] rgb = ImageFiles.rgb(color);
        byte[] gray = ImageFiles.luminance(mask);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int[] argb = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < argb.length; i++) {
            argb[i] = ((255 - (gray[i] & 0xff)) << 24) | rgb[i];
        }
        return out;
    }

}
