namespace Unroll.Charts.Tests;

public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(1234.56, "1,234.6")]
    [InlineData(0.012345, "0.0123")]
    [InlineData(9_999_999.0, "9,999,999.0")]
    [InlineData(1e30, "1e+30")]
    [InlineData(-1.23456e12, "-1.235e+12")]
    [InlineData(double.NaN, "n/a")]
    public void Value_AnyMagnitude_StaysShort(double value, string expected) => Assert.Equal(expected, NumberFormat.Value(value));

    [Theory]
    [InlineData(0.98765, 3, "0.988")]
    [InlineData(5.5e20, 2, "5.5e+20")]
    [InlineData(double.PositiveInfinity, 2, "n/a")]
    public void Fixed_HugeValues_SwitchToFourSignificantDigits(double value, int decimals, string expected) => Assert.Equal(expected, NumberFormat.Fixed(value, decimals));

    [Theory]
    [InlineData(1.5306, 4, "1.531")]
    [InlineData(3.8788, 3, "3.88")]
    [InlineData(5576880000.0, 6, "5.57688e+09")]
    [InlineData(0.0123, 6, "0.0123")]
    [InlineData(-0.0, 4, "0")]
    [InlineData(-1e-30, 4, "-1e-30")]
    [InlineData(double.NaN, 4, "–")]
    [InlineData(double.PositiveInfinity, 4, "∞")]
    [InlineData(double.NegativeInfinity, 4, "−∞")]
    public void Significant_DigitsAsAskedAndNoMinusZero(double value, int digits, string expected) => Assert.Equal(expected, NumberFormat.Significant(value, digits));
}
