fn main() {
    println!("codefacts");
}
