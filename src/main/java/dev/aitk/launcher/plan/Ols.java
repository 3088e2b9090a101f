package dev.aitk.launcher.plan;

/** Ordinary least squares by the normal equations: a handful of features, closed form, no iteration. */
final class Ols {
    private Ols() {
    }

    /** Coefficients b minimising |X b - y|^2; X is rows x features. */
    static double[] fit(double[][] x, double[] y) {
        int k = x[0].length;
        double[][] a = new double[k][k + 1];
        for (int r = 0; r < x.length; r++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += x[r][i] * x[r][j];
                }
                a[i][k] += x[r][i] * y[r];
            }
        }
        // Gaussian elimination with partial pivoting on the k x k system.
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            if (Math.abs(a[col][col]) < 1e-12) {
                throw new IllegalStateException("the measured rows do not determine feature " + col);
            }
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= k; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = a[i][k] / a[i][i];
        }
        return b;
    }
}
