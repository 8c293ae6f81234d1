// Runs EPUBCheck on several EPUB files in one JVM (EPUBCheck's command line takes one file, and
// most of its time is spent starting up and loading its schemas). Launched as a single-file
// source program: java -cp epubcheck.jar BatchEpubCheck.java BOOK.epub REPORT.json ...
import com.adobe.epubcheck.tool.EpubChecker;

public class BatchEpubCheck {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            int status = new EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "-q"});
            System.out.println("checked\t" + status + "\t" + args[i]);
        }
    }
}
