using System.Globalization;
using System.Numerics;
using System.Text;

namespace Caffe;

/// <summary>
/// Floating-point text exactly as C++ protobuf prints it: <c>SimpleFtoa</c>/<c>SimpleDtoa</c>,
/// built on C <c>printf("%.*g")</c> with glibc's exact, round-half-even decimal conversion.
/// .NET's own formats differ (exponent <c>E+010</c>, no %g), hence this implementation.
/// </summary>
internal static class CFloatFormat
{
    private static readonly float FloatMinNormal = BitConverter.Int32BitsToSingle(0x00800000);

    /// <summary>
    /// C++ <c>SimpleFtoa</c>: <c>%.6g</c> (FLT_DIG) if it reads back as the same float, else <c>%.9g</c>.
    /// </summary>
    public static string SimpleFtoa(float value)
    {
        if (float.IsNaN(value)) return "nan";
        if (float.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string shortest = FormatG(value, 6);
        // glibc strtof sets ERANGE for any inexact subnormal result, and protobuf treats that as
        // a failed round trip: subnormal floats always take the 9-digit form.
        bool subnormal = value != 0 && MathF.Abs(value) < FloatMinNormal;
        if (!subnormal &&
            float.TryParse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture, out float back) && back == value)
            return shortest;
        return FormatG(value, 9);
    }

    /// <summary>C++ <c>SimpleDtoa</c>: <c>%.15g</c> (DBL_DIG) if it reads back as the same double, else <c>%.17g</c>.</summary>
    public static string SimpleDtoa(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string shortest = FormatG(value, 15);
        if (double.TryParse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture, out double back) && back == value)
            return shortest;
        return FormatG(value, 17);
    }

    /// <summary>C <c>printf("%.{precision}g", value)</c> (no <c>#</c> flag: trailing zeros removed).</summary>
    public static string FormatG(double value, int precision)
    {
        bool negative = double.IsNegative(value);
        if (double.IsNaN(value)) return negative ? "-nan" : "nan";
        if (double.IsInfinity(value)) return negative ? "-inf" : "inf";
        int digitsWanted = Math.Max(precision, 1);

        string digits;
        int exponent;
        if (value == 0)
        {
            digits = new string('0', digitsWanted);
            exponent = 0;
        }
        else
        {
            (digits, exponent) = SignificantDigits(Math.Abs(value), digitsWanted);
        }

        var text = new StringBuilder(32);
        if (negative) text.Append('-');
        if (exponent < -4 || exponent >= digitsWanted)
        {
            // d.ddde±XX: at least two exponent digits.
            text.Append(digits[0]);
            string fraction = digits[1..].TrimEnd('0');
            if (fraction.Length > 0) text.Append('.').Append(fraction);
            text.Append('e').Append(exponent < 0 ? '-' : '+');
            text.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (exponent >= 0)
        {
            text.Append(digits, 0, exponent + 1);
            string fraction = digits[(exponent + 1)..].TrimEnd('0');
            if (fraction.Length > 0) text.Append('.').Append(fraction);
        }
        else
        {
            text.Append("0.").Append('0', -exponent - 1).Append(digits.TrimEnd('0'));
        }
        return text.ToString();
    }

    /// <summary>
    /// The first <paramref name="count"/> significant decimal digits of a positive finite
    /// <paramref name="value"/>, correctly rounded (ties to even, as glibc), and the decimal
    /// exponent of the first digit.
    /// </summary>
    private static (string Digits, int Exponent) SignificantDigits(double value, int count)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biasedExponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger mantissa = biasedExponent == 0 ? fraction : fraction | (1L << 52);
        int binaryExponent = biasedExponent == 0 ? -1074 : biasedExponent - 1075;

        // value = numerator / denominator exactly.
        BigInteger numerator = binaryExponent >= 0 ? mantissa << binaryExponent : mantissa;
        BigInteger denominator = binaryExponent >= 0 ? BigInteger.One : BigInteger.One << -binaryExponent;

        BigInteger lower = BigInteger.Pow(10, count - 1);
        BigInteger upper = lower * 10;
        int exponent = (int)Math.Floor(Math.Log10(value));
        while (true)
        {
            int scale = exponent - count + 1;
            BigInteger n = scale < 0 ? numerator * BigInteger.Pow(10, -scale) : numerator;
            BigInteger d = scale > 0 ? denominator * BigInteger.Pow(10, scale) : denominator;
            BigInteger quotient = BigInteger.DivRem(n, d, out BigInteger remainder);
            int half = (remainder * 2).CompareTo(d);
            if (half > 0 || (half == 0 && !quotient.IsEven)) quotient += 1;

            // The log estimate can be one off, and rounding can carry into a new digit (9.99 -> 10.0).
            if (quotient >= upper) exponent++;
            else if (quotient < lower) exponent--;
            else return (quotient.ToString(CultureInfo.InvariantCulture), exponent);
        }
    }
}
