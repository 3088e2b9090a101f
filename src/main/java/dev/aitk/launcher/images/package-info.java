/**
 * Image header reading shared by {@code validate} (dataset checks) and {@code data} (migrate-data's pairing size
 * checks): format, size after the EXIF orientation, channels, alpha and Pillow's mode, without decoding pixels.
 * A leaf package that depends on no stage, so neither stage reaches into the other's internals; full decoding
 * stays with the stage that needs it (validate --deep, migrate-data's conversions).
 */
package dev.aitk.launcher.images;
